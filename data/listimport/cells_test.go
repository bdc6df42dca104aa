package listimport

import (
	"reflect"
	"strings"
	"testing"

	"qingdan/data/lists"
)

func TestShortenCode(t *testing.T) {
	long := "511Z07001006-511602000000-000-11511301008778183N-1-00"
	service := "G-000007-001-511602000000-000-115113010833722043-1-00"
	noDivision := strings.Repeat("A", 30) + "-" + strings.Repeat("B", 10)
	cases := []struct {
		in, want  string
		shortened bool
		err       bool
	}{
		{"XK-SCJG-001", "XK-SCJG-001", false, false},
		{" E-000004-001-11511301008778386B ", "E-000004-001-11511301008778386B", false, false},
		{strings.Repeat("a", 36), strings.Repeat("a", 36), false, false},
		{long, "511Z07001006-" + hashHex(long, 12), true, false},
		{service, "G-000007-001-" + hashHex(service, 12), true, false},
		{noDivision, strings.Repeat("A", 23) + "-" + hashHex(noDivision, 12), true, false},
		{"许可-001", "", false, true},
		{"-leading-dash", "", false, true},
	}
	for _, tc := range cases {
		got, short, err := ShortenCode(tc.in)
		if got != tc.want || short != tc.shortened || (err != nil) != tc.err {
			t.Errorf("ShortenCode(%q) = %q, %v, %v; want %q, %v, error %v", tc.in, got, short, err, tc.want, tc.shortened, tc.err)
		}
		if err == nil && (len(got) > MaxCodeLen || !validCode.MatchString(got)) {
			t.Errorf("ShortenCode(%q) = %q is not a valid list code", tc.in, got)
		}
	}
}

func TestParseBasis(t *testing.T) {
	cases := []struct {
		in   string
		want []lists.Basis
	}{
		{"《中华人民共和国行政许可法》第二十九条", []lists.Basis{{Law: "《中华人民共和国行政许可法》", Article: "第二十九条"}}},
		{"《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）", []lists.Basis{{Law: "《食品经营许可和备案管理办法》", DocNo: "国家市场监督管理总局令第78号"}}},
		{"《土地管理法》第十四条第一款、第二款：土地争议，由当事人协商解决。",
			[]lists.Basis{{Law: "《土地管理法》", Article: "第十四条第一款、第二款", Text: "土地争议，由当事人协商解决。"}}},
		{"《中华人民共和国节约能源法》《固定资产投资项目节能审查办法》",
			[]lists.Basis{{Law: "《中华人民共和国节约能源法》"}, {Law: "《固定资产投资项目节能审查办法》"}}},
		{"《甲法》第三条；《乙条例》第五条\n《丙办法》", []lists.Basis{{Law: "《甲法》", Article: "第三条"}, {Law: "《乙条例》", Article: "第五条"}, {Law: "《丙办法》"}}},
		{"《甲法》第三条规定的情形", []lists.Basis{{Law: "《甲法》", Article: "第三条", Text: "规定的情形"}}},
		{"国务院对确需保留的行政审批项目设定行政许可的决定：第1项",
			[]lists.Basis{{Law: "国务院对确需保留的行政审批项目设定行政许可的决定", Text: "第1项"}}},
		{`[{"law":"《法》","doc_no":"","article":"","text":"一\n二"}]`, []lists.Basis{{Law: "《法》", Text: "一\n二"}}},
	}
	for _, tc := range cases {
		got, err := parseBasis(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseBasis(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseMaterialsStepsFee(t *testing.T) {
	ms, _ := parseMaterials("1.申请书\n2、身份证（非必要）；（3）户口簿（必要）")
	if want := []lists.Material{{Name: "申请书", Required: true}, {Name: "身份证", Required: false}, {Name: "户口簿", Required: true}}; !reflect.DeepEqual(ms, want) {
		t.Errorf("got materials %+v, want %+v", ms, want)
	}
	ss, err := parseSteps("受理（1个工作日）\n审查：3个工作日\n决定（即办）→送达")
	if want := []lists.Step{{Name: "受理", Days: 1}, {Name: "审查", Days: 3}, {Name: "决定", Days: 0}, {Name: "送达", Days: 0}}; err != nil || !reflect.DeepEqual(ss, want) {
		t.Errorf("got steps %+v, %v; want %+v", ss, err, want)
	}
	if _, err := parseSteps("审查（5天）"); err == nil {
		t.Error("parseSteps(审查（5天）): got nil, want an error for calendar days")
	}
	fees := []struct {
		in   string
		want lists.Fee
	}{
		{"不收费", lists.Fee{Items: []string{}}},
		{"收费\n依据：《收费标准》\n工本费10元", lists.Fee{Charged: true, Basis: "《收费标准》", Items: []string{"工本费10元"}}},
		{"按规定收取工本费", lists.Fee{Charged: true, Items: []string{"按规定收取工本费"}}},
		{"本事项不收费。", lists.Fee{Basis: "本事项不收费。", Items: []string{}}},
	}
	for _, tc := range fees {
		if got, err := parseFee(tc.in); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseFee(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseScalars(t *testing.T) {
	aud, err := parseAudience("自然人、法人和其他组织")
	if want := []string{"individual", "legal_person", "other_org"}; err != nil || !reflect.DeepEqual(aud, want) {
		t.Errorf("parseAudience = %q, %v; want %q", aud, err, want)
	}
	if _, err := parseAudience("外星人"); err == nil {
		t.Error("parseAudience(外星人): got nil, want an error")
	}
	if got := parseLevels("省级、市级\n县级/乡镇级"); !reflect.DeepEqual(got, []string{"省", "市", "县", "乡镇"}) {
		t.Errorf("parseLevels = %q", got)
	}
	dates := map[string]string{"2026-01-31": "2026-01-31", "2026/1/5": "2026-01-05", "2026年3月1日": "2026-03-01"}
	for in, want := range dates {
		if got, err := parseDate(in); got != want || err != nil {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := parseDate("2026-02-30"); err == nil {
		t.Error("parseDate(2026-02-30): got nil, want an error")
	}
	visits := map[string]int{"0": 0, "1次": 1, "最多跑一次": 1, "2": 2}
	for in, want := range visits {
		if got, err := parseVisits(in); got != want || err != nil {
			t.Errorf("parseVisits(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	depths := map[string]int{"3": 3, "Ⅳ": 4, "II": 2, "一级": 1}
	for in, want := range depths {
		if got, err := parseDepth(in); got != want || err != nil {
			t.Errorf("parseDepth(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	limits := map[string]int{"20个工作日": 20, "即办": 0, "二十日": 20}
	for in, want := range limits {
		if got, err := parseLimitCell(in); got != want || err != nil {
			t.Errorf("parseLimitCell(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestFormatsReadBack checks that each format reads back to its value,
// falling back to JSON where the plain form cannot.
func TestFormatsReadBack(t *testing.T) {
	basis := [][]lists.Basis{
		{{Law: "《法》", DocNo: "主席令第七号", Article: "第二十九条", Text: "条文。"}},
		{{Law: "《法》", Text: "第一行\n第二行"}},
		{{Law: "没有书名号的文件", Article: "第三条"}},
	}
	for _, b := range basis {
		if got, _ := parseBasis(formatBasis(b)); !reflect.DeepEqual(normalized(got), normalized(b)) {
			t.Errorf("basis %+v came back as %+v (cell %q)", b, got, formatBasis(b))
		}
	}
	materials := [][]lists.Material{{{Name: "申请书", Required: true}, {Name: "委托书（如有）", Required: false}}, {{Name: "1.奇怪的名字", Required: true}}, {{Name: "甲；乙", Required: true}}}
	for _, m := range materials {
		if got, _ := parseMaterials(formatMaterials(m)); !reflect.DeepEqual(got, m) {
			t.Errorf("materials %+v came back as %+v (cell %q)", m, got, formatMaterials(m))
		}
	}
	fees := []lists.Fee{{Items: []string{}}, {Charged: true, Basis: "依据", Items: []string{"甲", "乙"}}, {Items: []string{"怪"}}}
	for _, f := range fees {
		if got, _ := parseFee(formatFee(f)); !reflect.DeepEqual(normalized(got), normalized(f)) {
			t.Errorf("fee %+v came back as %+v (cell %q)", f, got, formatFee(f))
		}
	}
	steps := [][]lists.Step{{{Name: "受理", Days: 0}, {Name: "审查（现场）", Days: 3}}, {{Name: "1.受理", Days: 1}}}
	for _, s := range steps {
		if got, _ := parseSteps(formatSteps(s)); !reflect.DeepEqual(got, s) {
			t.Errorf("steps %+v came back as %+v (cell %q)", s, got, formatSteps(s))
		}
	}
}

func TestInertCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")", "+1": "'+1", "-1": "'-1", "@A1": "'@A1",
		"\tx": "'\tx", "行政许可": "行政许可", "": "", "1-2": "1-2",
	} {
		if got := inertCell(in); got != want {
			t.Errorf("inertCell(%q) = %q, want %q", in, got, want)
		}
	}
}
