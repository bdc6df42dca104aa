package listfile

import (
	"errors"
	"testing"
)

func jsonCases(t testing.TB) []readCase {
	return []readCase{
		{name: "array with canonical keys", file: "list.json",
			content: []byte(`[
  {"code": "XK-1", "name": "结婚登记", "category": "QR", "legal_limit": 20, "fee": false},
  {"code": "XK-2", "name": "离婚登记", "category": "QR", "legal_limit": null, "materials": ["身份证", "户口簿"]}
]`),
			wantEnc: EncUTF8, wantFormat: FormatJSON,
			wantCols: []string{"code", "name", "category", "legal_limit", "fee", "materials"},
			wantRows: []Row{
				row(2, "code", "XK-1", "name", "结婚登记", "category", "QR", "legal_limit", "20", "fee", "false", "materials", ""),
				row(3, "code", "XK-2", "name", "离婚登记", "category", "QR", "legal_limit", "", "fee", "", "materials", "身份证\n户口簿"),
			}},
		{name: "items object with chinese keys", file: "list.json",
			content: []byte("\uFEFF" + `{"title": "广安区", "count": 2, "items": [
{"序号": 1, "实施 主体": " 区 经信局", "事项名称": "企业投资项目备案&amp;lt;br&amp;gt;（技改）", "联系人": "张三"},

{"序号": 2, "实施 主体": "区民政局", "事项名称": "结婚登记", "extra": {"a": [1, 2]}},
{"序号": 3, "实施 主体": "", "事项名称": " "}
]}`),
			wantEnc: EncUTF8BOM, wantFormat: FormatJSON,
			wantCols: []string{"dept_name", "name"}, wantUnknown: []string{"联系人", "extra"},
			wantRows: []Row{
				row(2, "dept_name", "区 经信局", "name", "企业投资项目备案\n（技改）", "联系人", "张三", "extra", ""),
				row(4, "dept_name", "区民政局", "name", "结婚登记", "联系人", "", "extra", `{"a":[1,2]}`),
			}},
		{name: "gb18030 json", file: "list.json", content: gb18030(t, `[{"事项名称": "结婚登记", "事项类型": "行政确认"}]`),
			wantEnc: EncGB18030, wantFormat: FormatJSON, wantCols: []string{"name", "category"},
			wantRows: []Row{row(1, "name", "结婚登记", "category", "行政确认")}},
		{name: "sniffed without extension", file: "list", content: []byte(`{"items": [{"name": "结婚登记"}]}`),
			wantEnc: EncUTF8, wantFormat: FormatJSON, wantCols: []string{"name"},
			wantRows: []Row{row(1, "name", "结婚登记")}},
		{name: "empty array", file: "list.json", content: []byte(`[]`),
			wantEnc: EncUTF8, wantFormat: FormatJSON},
	}
}

func TestReadJSON(t *testing.T) {
	for _, tc := range jsonCases(t) {
		t.Run(tc.name, func(t *testing.T) { checkTable(t, tc) })
	}
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantIs  error
	}{
		{"not an object", `["a"]`, nil},
		{"object without items", `{"rows": []}`, nil},
		{"items not an array", `{"items": {}}`, nil},
		{"scalar", `42`, nil},
		{"truncated", `[{"name": "a"`, nil},
		{"empty", ``, nil},
		{"no known key", `[{"甲": 1, "乙": 2}]`, ErrNoHeader},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := Read("list.json", []byte(tc.content))
			if err == nil {
				t.Fatalf("Read = %+v, want an error", tb)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("Read error = %v, want %v", err, tc.wantIs)
			}
			if msg := err.Error(); len(msg) < 10 || msg[:10] != "listfile: " {
				t.Errorf("error %q, want prefix %q", msg, "listfile: ")
			}
		})
	}
}
