package listfile

import "testing"

func TestNormalizeCategory(t *testing.T) {
	tests := []struct {
		in       string
		wantCode string
		wantOK   bool
	}{
		{"行政许可", "XK", true},
		{"行政处罚", "CF", true},
		{"行政强制", "QZ", true},
		{"行政强制措施", "QZ", true},
		{"行政强制执行", "QZ", true},
		{"行政征收", "ZS", true},
		{"行政给付", "JF", true},
		{"行政检查", "JC", true},
		{"行政确认", "QR", true},
		{"行政奖励", "JL", true},
		{"行政裁决", "CJ", true},
		{"其他行政权力", "QT", true},
		{"其他权力", "QT", true},
		{"公共服务", "GG", true},
		{" 行政 许可 ", "XK", true},
		{"行政许可事项", "XK", true},
		{"许可", "XK", true},
		{"XK", "XK", true},
		{"xk", "XK", true},
		{"Gg", "GG", true},
		{"ＸＫ", "XK", true},
		{"行政备案", "", false},
		{"XX", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			code, ok := NormalizeCategory(tc.in)
			if code != tc.wantCode || ok != tc.wantOK {
				t.Errorf("NormalizeCategory(%q) = %q, %v, want %q, %v", tc.in, code, ok, tc.wantCode, tc.wantOK)
			}
		})
	}
}

func TestNormalizeDeptName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"区经信局", "区经信局"},
		{"区 经信局", "区经信局"},
		{" 区经信局", "区经信局"},
		{"区经信局 ", "区经信局"},
		{"区\u3000经信局", "区经信局"},
		{"区经信局\r\n", "区经信局"},
		{"区<br>经信局", "区经信局"},
		{"区委(区政府)办", "区委（区政府）办"},
		{"区委（区政府）办", "区委（区政府）办"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := NormalizeDeptName(tc.in); got != tc.want {
				t.Errorf("NormalizeDeptName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDeptAliases(t *testing.T) {
	aliases := DeptAliases{
		"广安区税务局":  "国家税务总局广安市广安区税务局",
		" 区 经信局 ": "区经济和信息化局",
	}
	tests := []struct {
		in, want string
	}{
		{"广安区税务局", "国家税务总局广安市广安区税务局"},
		{"广安区 税务局", "国家税务总局广安市广安区税务局"},
		{"区经信局", "区经济和信息化局"},
		{"区 经济和信息化局", "区经济和信息化局"},
		{"区民政局", "区民政局"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := aliases.Canonical(tc.in); got != tc.want {
				t.Errorf("Canonical(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		var none DeptAliases
		if got, want := none.Canonical(" 区 民政局"), "区民政局"; got != want {
			t.Errorf("nil Canonical = %q, want %q", got, want)
		}
	})
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in     string
		want   Limit
		wantOK bool
	}{
		{"20个工作日", Limit{Days: 20}, true},
		{"２０工作日", Limit{Days: 20}, true},
		{"２０ 个 工作日", Limit{Days: 20}, true},
		{"20日", Limit{Days: 20}, true},
		{"20", Limit{Days: 20}, true},
		{"0", Limit{}, true},
		{"即办", Limit{}, true},
		{"即办件", Limit{}, true},
		{"当场办结", Limit{}, true},
		{"30天", Limit{Days: 30, Calendar: true}, true},
		{"30个自然日", Limit{Days: 30, Calendar: true}, true},
		{"二十个工作日", Limit{Days: 20}, true},
		{"十五日", Limit{Days: 15}, true},
		{"一百零五日", Limit{Days: 105}, true},
		{"20个工作日内", Limit{Days: 20}, true},
		{"20个工作日（不含专家评审时间）", Limit{Days: 20}, true},
		{"20个工作日。", Limit{Days: 20}, true},
		{"", Limit{}, false},
		{"无", Limit{}, false},
		{"/", Limit{}, false},
		{"3个月", Limit{}, false},
		{"99999999999999999999", Limit{}, false},
		{"二三十", Limit{}, false},
		{"十十", Limit{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseLimit(tc.in)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("ParseLimit(%q) = %+v, %v, want %+v, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestParseWorkingDays(t *testing.T) {
	tests := []struct {
		in       string
		wantDays int
		wantOK   bool
	}{
		{"20个工作日", 20, true},
		{"２０工作日", 20, true},
		{"即办", 0, true},
		{"当场办结", 0, true},
		{"20日", 20, true},
		{"20", 20, true},
		{"30天", 30, true},
		{"无", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			days, ok := ParseWorkingDays(tc.in)
			if days != tc.wantDays || ok != tc.wantOK {
				t.Errorf("ParseWorkingDays(%q) = %d, %v, want %d, %v", tc.in, days, ok, tc.wantDays, tc.wantOK)
			}
		})
	}
}
