package applicant

import "testing"

func TestMaskName(t *testing.T) {
	tests := []struct{ kind, name, want string }{
		{Natural, "张", "张*"},
		{Natural, "张三", "张*"},
		{Natural, "张三丰", "张**"},
		{Natural, "司马相如", "司***"},
		{Natural, " 李四 ", "李*"},
		{Natural, "", "*"},
		{Natural, "John Smith", "J*********"},
		{Natural, "阿依古丽·买买提", "阿*******"},
		{"", "张三", "张*"},      // unknown kind: masked like a natural person
		{"LEGAL", "王五", "王*"}, // kinds are case-sensitive; normalise first
		{Legal, "福州某某有限公司", "福州某某有限公司"},
		{Legal, "", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.kind, tt.name); got != tt.want {
			t.Errorf("MaskName(%q, %q) = %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ id, want string }{
		{"11010519491231002X", "110*************2X"},
		{"91350100M000100Y43", "913*************43"},
		{"E12345678", "*********"},   // 9-character passport: all hidden
		{"E123456789", "E12*****89"}, // 10 characters: half kept
		{"", ""},
		{"１１０１０５１９４９", "１１０*****４９"}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := MaskID(tt.id); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ phone, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86*******5678"},
		{"1381234567", "**********"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.phone); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.phone, got, tt.want)
		}
	}
}
