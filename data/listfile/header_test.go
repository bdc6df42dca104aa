package listfile

import (
	"slices"
	"testing"
)

func TestMatchHeader(t *testing.T) {
	tests := []struct {
		header  string
		wantKey string
		wantOK  bool
	}{
		{"事项名称", "name", true},
		{"权责事项名称", "name", true},
		{"职权名称", "name", true},
		{"子项名称", "subitem", true},
		{"主项名称", "parent_name", true},
		{"事项编码", "code", true},
		{"基本编码", "code", true},
		{"实施编码", "code", true},
		{"编码", "code", true},
		{"事项类型", "category", true},
		{"权力类型", "category", true},
		{"事项性质", "category", true},
		{"设定和实施依据", "basis", true},
		{"依据", "basis", true},
		{"实施主体", "dept_name", true},
		{"实施机关", "dept_name", true},
		{"区级主管部门", "dept_name", true},
		{"实施主体名称", "dept_name", true},
		{"实施主体性质", "nature", true},
		{"承办机构", "office", true},
		{"责任科室", "office", true},
		{"行使层级", "levels", true},
		{"实施层级及权限", "levels", true},
		{"法定办结时限", "legal_limit", true},
		{"法定办结时限（工作日）", "legal_limit", true},
		{"法定期限(天)", "legal_limit", true},
		{"承诺办结时限（工作日）", "promised_limit", true},
		{"监督投诉电话", "complaint_phone", true},
		{"监督投诉电话及方式", "complaint_phone", true},
		{"投诉电话", "complaint_phone", true},
		{"咨询电话", "consult_phone", true},
		{"收费标准", "fee", true},
		{"是否收费", "fee", true},
		{"受理条件", "conditions", true},
		{"申请材料", "materials", true},
		{"追责情形", "accountability", true},
		{"追责情形及追责依据", "accountability", true},
		{"服务对象", "audience", true},
		{"备注", "note", true},
		{"办事指南链接", "guide_url", true},
		{"with spaces", "", false},
		{" 实施  主体 ", "dept_name", true},
		{"实施<br>主体", "dept_name", true},
		{"实施&lt;br/&gt;主体", "dept_name", true},
		{"实施\n主体", "dept_name", true},
		{"*事项名称：", "name", true},
		{"ｃｏｄｅ", "code", true},
		{"Code", "code", true},
		{"dept_name", "dept_name", true},
		{"序号", "", false},
		{"中央清单序号", "", false},
		{"依据说明", "", false},
		{"联系人", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			key, ok := MatchHeader(tc.header)
			if key != tc.wantKey || ok != tc.wantOK {
				t.Errorf("MatchHeader(%q) = %q, %v, want %q, %v", tc.header, key, ok, tc.wantKey, tc.wantOK)
			}
		})
	}
}

// TestSynonymsUnambiguous checks that every synonym maps to its own key
// and to no other.
func TestSynonymsUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for key, names := range synonyms {
		for _, n := range append([]string{key}, names...) {
			f := headerForm(n)
			if prev, ok := owner[f]; ok && prev != key {
				t.Errorf("synonym %q: got keys %q and %q, want one", n, prev, key)
			}
			owner[f] = key
			if got, ok := MatchHeader(n); !ok || got != key {
				t.Errorf("MatchHeader(%q) = %q, %v, want %q, true", n, got, ok, key)
			}
		}
	}
}

func TestCanonicalKeys(t *testing.T) {
	keys := CanonicalKeys()
	if !slices.IsSorted(keys) {
		t.Errorf("CanonicalKeys() = %q, want sorted", keys)
	}
	for _, want := range []string{"code", "name", "subitem", "category", "dept_name", "office", "levels",
		"legal_limit", "promised_limit", "complaint_phone", "consult_phone", "fee", "conditions",
		"materials", "accountability", "audience", "note", "guide_url", "parent_name"} {
		if !slices.Contains(keys, want) {
			t.Errorf("CanonicalKeys() lacks %q", want)
		}
	}
}

// TestReadWithHeaders: the extra headers of ReadOptions are recognised
// columns, in CSV and JSON, and win over a synonym they start with.
func TestReadWithHeaders(t *testing.T) {
	opts := ReadOptions{Headers: map[string]string{"办理时间说明": "hours_note", "窗口数量": "windows", "windows": "windows"}}
	csvText := "事项名称,实施主体,办理时间说明, 窗口 数量 \n甲,县局,工作日上午,3\n"
	tb, err := ReadWith("a.csv", []byte(csvText), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"name", "dept_name", "hours_note", "windows"}; !slices.Equal(tb.Columns, want) || len(tb.UnknownColumns) != 0 {
		t.Fatalf("columns %v, unknown %v; want %v and none", tb.Columns, tb.UnknownColumns, want)
	}
	if got := tb.Rows[0].Fields; got["hours_note"] != "工作日上午" || got["windows"] != "3" {
		t.Errorf("fields %v", got)
	}
	plain, err := Read("a.csv", []byte(csvText))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(plain.Columns, "hours") || !slices.Contains(plain.UnknownColumns, "窗口数量") {
		t.Errorf("without options: columns %v, unknown %v; want hours and 窗口数量 as before", plain.Columns, plain.UnknownColumns)
	}
	js, err := ReadWith("a.json", []byte(`[{"name":"甲","windows":2}]`), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(js.Columns, []string{"name", "windows"}) || js.Rows[0].Fields["windows"] != "2" {
		t.Errorf("json: columns %v, fields %v", js.Columns, js.Rows[0].Fields)
	}
}
