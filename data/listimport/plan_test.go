package listimport

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"qingdan/data/listfile"
	"qingdan/data/lists"
)

// seedCounty lists two departments, a power in force and a repealed one.
func seedCounty(t *testing.T, cat *lists.Catalog) {
	t.Helper()
	publish(t, cat, lists.KindDepartment, lists.Department{Code: "scjg", Name: "县市场监督管理局"})
	publish(t, cat, lists.KindDepartment, lists.Department{Code: "gaj", Name: "县公安局"})
	publish(t, cat, lists.KindPower, lists.PowerItem{Code: "XK-SCJG-900", Name: "食品生产许可", Category: "XK", Dept: "scjg",
		Basis:      []lists.Basis{{Law: "《中华人民共和国食品安全法》", Article: "第三十五条"}},
		LegalLimit: 20, PromisedLimit: 10, ConsultPhone: "0576-1", ComplaintPhone: "0576-2"})
	publish(t, cat, lists.KindPower, lists.PowerItem{Code: "XK-SCJG-901", Name: "已取消的许可", Category: "XK", Dept: "scjg"})
	if _, err := cat.Repeal(context.Background(), testActor, lists.KindPower, "XK-SCJG-901", testMeta); err != nil {
		t.Fatal(err)
	}
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowWant is what the plan of one row should be. item lists JSON values
// of the new item (Create) or of the changes (Amend).
type rowWant struct {
	line   int
	action Action
	code   string
	dept   string
	fields []string // Amend
	reason string   // Reject: a substring
	item   map[string]string
	note   string // a substring of a note
}

const synonymsCSV = "序号,权力名称,职权类型,行使主体,法律依据,法定期限,承诺期限,事项代码\r\n" +
	"1,食品小作坊登记,许可,县市场监督管理局,《中华人民共和国食品安全法》第三十六条；《浙江省食品小作坊小餐饮店小食杂店管理办法》,20个工作日,１０个工作日,XK-SCJG-100\r\n"

func TestPlanDirtyData(t *testing.T) {
	t.Parallel()
	long := "511Z07001006-511602000000-000-11511301008778183N-1-00"
	cases := []struct {
		name     string
		file     string
		content  []byte
		opts     Options
		newDepts []string
		rows     []rowWant
	}{
		{
			name: "header synonyms", file: "list.csv", content: []byte(synonymsCSV),
			rows: []rowWant{{line: 2, action: Create, code: "XK-SCJG-100", dept: "scjg", item: map[string]string{
				"legal_limit": "20", "promised_limit": "10", "category": `"XK"`,
				"basis": `[{"law":"《中华人民共和国食品安全法》","doc_no":"","article":"第三十六条","text":""},{"law":"《浙江省食品小作坊小餐饮店小食杂店管理办法》","doc_no":"","article":"","text":""}]`}}},
		},
		{
			name: "gb18030", file: "list.csv", content: gb18030(t, synonymsCSV),
			rows: []rowWant{{line: 2, action: Create, code: "XK-SCJG-100", dept: "scjg", item: map[string]string{
				"name": `"食品小作坊登记"`, "legal_limit": "20"}}},
		},
		{
			name: "department with stray spaces", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n居住证核发,行政许可, 县公安 局 ,XK-GAJ-001\n"),
			rows:    []rowWant{{line: 2, action: Create, code: "XK-GAJ-001", dept: "gaj"}},
		},
		{
			name: "unknown department created", file: "list.csv",
			content:  []byte("事项名称,事项类型,实施主体,实施编码\n新能源项目备案,其他行政权力,县 新能源局,QT-XNY-001\n充电桩验收,其他行政权力,县新能源局,QT-XNY-002\n"),
			newDepts: []string{"县新能源局"},
			rows: []rowWant{
				{line: 2, action: Create, code: "QT-XNY-001", dept: "d" + hashHex("县新能源局", 8)},
				{line: 3, action: Create, code: "QT-XNY-002", dept: "d" + hashHex("县新能源局", 8)},
			},
		},
		{
			name: "department alias", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n食品经营许可,行政许可,县市监局,XK-SCJG-101\n"),
			opts:    Options{DeptAliases: listfile.DeptAliases{"县市监局": "县市场监督管理局"}},
			rows:    []rowWant{{line: 2, action: Create, code: "XK-SCJG-101", dept: "scjg"}},
		},
		{
			name: "long code shortened", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n企业投资项目备案,其他行政权力,县市场监督管理局," + long + "\n"),
			rows:    []rowWant{{line: 2, action: Create, code: "511Z07001006-" + hashHex(long, 12), dept: "scjg"}},
		},
		{
			name: "no code column", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体\n广告发布登记,行政许可,县市场监督管理局\n"),
			rows: []rowWant{{line: 2, action: Create, code: "XK-scjg-" + hashHex("广告发布登记\x1f", 10), dept: "scjg",
				note: "no code in the file"}},
		},
		{
			name: "duplicate code", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n甲,行政许可,县公安局,XK-GAJ-002\n乙,行政许可,县公安局,XK-GAJ-002\n"),
			rows: []rowWant{
				{line: 2, action: Create, code: "XK-GAJ-002"},
				{line: 3, action: Reject, code: "XK-GAJ-002", reason: "already on line 2"},
			},
		},
		{
			name: "repealed item reappears", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n已取消的许可,行政许可,县市场监督管理局,XK-SCJG-901\n"),
			rows:    []rowWant{{line: 2, action: Reject, code: "XK-SCJG-901", reason: "was repealed"}},
		},
		{
			name: "rows that cannot be valid", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码,法定办结时限,承诺办结时限\n" +
				"甲,行政许可,县公安局,XK-GAJ-010,5个工作日,10个工作日\n" +
				"乙,行政处罚,县公安局,CF-GAJ-010,,\n" +
				"丙,行政备案,县公安局,QT-GAJ-010,,\n" +
				"丁,行政许可,县公安局,XK-GAJ-011,30天,\n" +
				"戊,行政许可,县公安局,许可011,,\n" +
				",行政许可,县公安局,XK-GAJ-012,,\n" +
				"己,行政许可,,XK-GAJ-013,,\n"),
			rows: []rowWant{
				{line: 2, action: Reject, code: "XK-GAJ-010", reason: "promised_limit: promised limit 10 exceeds the legal limit 5"},
				{line: 3, action: Reject, code: "CF-GAJ-010", reason: "penalty_scope: is required"},
				{line: 4, action: Reject, reason: "category: \"行政备案\" is not a category"},
				{line: 5, action: Reject, reason: "legal_limit: \"30天\" counts calendar days"},
				{line: 6, action: Reject, reason: "code: \"许可011\" has characters other than ASCII"},
				{line: 7, action: Reject, reason: "name: is required"},
				{line: 8, action: Reject, reason: "dept: the row names no department"},
			},
		},
		{
			name: "services", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码\n" +
				"企业开办政策咨询,公共服务,县市场监督管理局,GG-SCJG-001\n" +
				"老年人优待证办理,公共服务,县公安局,GG-GAJ-001\n"),
			rows: []rowWant{
				{line: 2, action: Create, item: map[string]string{"audience": `"legal_person"`, "category": `"GG"`, "power_code": `""`},
					note: "audience legal_person guessed"},
				{line: 3, action: Create, item: map[string]string{"audience": `"individual"`}, note: "audience individual assumed"},
			},
		},
		{
			name: "service audience from the file", file: "list.csv",
			content: []byte("事项名称,事项类型,实施主体,实施编码,服务对象,对应权力事项编码\n" +
				"个人食品证明,公共服务,县市场监督管理局,GG-SCJG-002,法人,\n" +
				"食品生产许可办理,行政许可,县市场监督管理局,FW-SCJG-001,企业,XK-SCJG-900\n" +
				"未列入的权力,行政许可,县市场监督管理局,FW-SCJG-002,个人,XK-NOPE\n"),
			rows: []rowWant{
				{line: 2, action: Create, item: map[string]string{"audience": `"legal_person"`}},
				{line: 3, action: Create, item: map[string]string{"power_code": `"XK-SCJG-900"`, "category": `"XK"`}},
				{line: 4, action: Reject, reason: "power_code: power XK-NOPE is not on the list"},
			},
		},
		{
			name: "amend computes only the columns the file has", file: "list.csv",
			content: []byte("实施编码,事项名称,事项类型,实施主体,法定办结时限,实施依据\n" +
				"XK-SCJG-900,食品生产许可,行政许可,县市场监督管理局,25个工作日,\n"),
			rows: []rowWant{{line: 2, action: Amend, code: "XK-SCJG-900", fields: []string{"legal_limit"},
				item: map[string]string{"legal_limit": "25"}}},
		},
		{
			name: "unchanged", file: "list.csv",
			content: []byte("实施编码,事项名称,事项类型,实施主体,承诺办结时限\nXK-SCJG-900,食品生产许可 ,许可,县市场监督管理局,十个工作日\n"),
			rows:    []rowWant{{line: 2, action: Unchanged, code: "XK-SCJG-900"}},
		},
		{
			name: "json with canonical keys and a department code", file: "list.json",
			content: []byte(`{"items":[` + "\n" + `{"code":"XK-GAJ-020","name":"爆破作业许可","category":"XK","dept":"gaj","levels":["县级","乡镇级"]}]}`),
			rows: []rowWant{{line: 2, action: Create, code: "XK-GAJ-020", dept: "gaj",
				item: map[string]string{"levels": `["县","乡镇"]`}}},
		},
		{
			name: "json with an unknown department code", file: "list.json",
			content: []byte(`[{"code":"XK-X-1","name":"某许可","category":"XK","dept":"nosuch"}]`),
			rows:    []rowWant{{line: 1, action: Reject, reason: `dept: "nosuch" is not a listed department code`}},
		},
		{
			name: "主项 and 事项 become name and sub-item", file: "list.csv",
			content: []byte("实施主体,主项名称,事项名称,事项类型,实施编码\n" +
				"县公安局,机动车登记,机动车注册登记,行政许可,XK-GAJ-030\n" +
				"县公安局,未分类,户口迁移,行政许可,XK-GAJ-031\n"),
			rows: []rowWant{
				{line: 2, action: Create, item: map[string]string{"name": `"机动车登记"`, "subitem": `"机动车注册登记"`}},
				{line: 3, action: Create, item: map[string]string{"name": `"户口迁移"`, "subitem": `""`}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat, l := newCatalog(t)
			seedCounty(t, cat)
			before := ledgerSize(t, l)
			p := plan(t, cat, tc.file, tc.content, tc.opts)
			if got := ledgerSize(t, l); got != before {
				t.Fatalf("planning appended %d entries", got-before)
			}
			var names []string
			for _, d := range p.Departments {
				names = append(names, d.Name)
			}
			if !slices.Equal(names, tc.newDepts) {
				t.Errorf("got departments to create %q, want %q", names, tc.newDepts)
			}
			if len(p.Entries) != len(tc.rows) {
				t.Fatalf("got %d entries, want %d\n%s", len(p.Entries), len(tc.rows), report(p))
			}
			for i, want := range tc.rows {
				checkEntry(t, p.Entries[i], want)
			}
			res, err := Apply(context.Background(), cat, p, testMeta, testActor)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got, want := int(ledgerSize(t, l)-before), p.Changes(); got != want || res.Appended != want {
				t.Errorf("applied %d entries (result %d), want %d", got, res.Appended, want)
			}
		})
	}
}

func checkEntry(t *testing.T, e *Entry, want rowWant) {
	t.Helper()
	if e.Line != want.line || e.Action != want.action {
		t.Errorf("line %d: got %s (%s), want line %d %s", e.Line, e.Action, e.Reason, want.line, want.action)
		return
	}
	if want.code != "" && e.Code != want.code {
		t.Errorf("line %d: got code %q, want %q", e.Line, e.Code, want.code)
	}
	if want.dept != "" && e.Dept != want.dept {
		t.Errorf("line %d: got dept %q, want %q", e.Line, e.Dept, want.dept)
	}
	if want.reason != "" && !strings.Contains(e.Reason, want.reason) {
		t.Errorf("line %d: got reason %q, want it to contain %q", e.Line, e.Reason, want.reason)
	}
	if want.fields != nil && !slices.Equal(e.Fields, want.fields) {
		t.Errorf("line %d: got changed fields %v, want %v", e.Line, e.Fields, want.fields)
	}
	if want.note != "" && !slices.ContainsFunc(e.Notes, func(n string) bool { return strings.Contains(n, want.note) }) {
		t.Errorf("line %d: got notes %q, want one containing %q", e.Line, e.Notes, want.note)
	}
	values := e.Changes
	if e.Action == Create {
		json.Unmarshal(e.Item, &values)
	}
	for k, v := range want.item {
		if got := string(values[k]); got != v {
			t.Errorf("line %d: got %s = %s, want %s", e.Line, k, got, v)
		}
	}
}

func TestPlanEncodingReported(t *testing.T) {
	cat, _ := newCatalog(t)
	seedCounty(t, cat)
	p := plan(t, cat, "list.csv", gb18030(t, synonymsCSV), Options{})
	if p.Encoding != listfile.EncGB18030 {
		t.Errorf("got encoding %q, want %q", p.Encoding, listfile.EncGB18030)
	}
}

// TestDryRunWritesNothing plans a file with every kind of change and checks
// that neither the ledger nor the lists moved.
func TestDryRunWritesNothing(t *testing.T) {
	cat, l := newCatalog(t)
	seedCounty(t, cat)
	before, listed := ledgerSize(t, l), len(mustList(t, cat, lists.KindPower))
	content := []byte("实施编码,事项名称,事项类型,实施主体,法定办结时限\n" +
		"XK-SCJG-900,食品生产许可,行政许可,县市场监督管理局,25个工作日\n" +
		"XK-NEW-001,新事项,行政许可,县新设局,\n")
	p := plan(t, cat, "list.csv", content, Options{})
	if p.Changes() != 3 {
		t.Fatalf("got %d changes planned, want 3 (a department, a power, an amendment)\n%s", p.Changes(), report(p))
	}
	if got := ledgerSize(t, l); got != before {
		t.Errorf("ledger grew by %d entries, want none", got-before)
	}
	if got := len(mustList(t, cat, lists.KindPower)); got != listed {
		t.Errorf("got %d powers listed, want %d", got, listed)
	}
	if got := len(mustList(t, cat, lists.KindDepartment)); got != 2 {
		t.Errorf("got %d departments listed, want 2", got)
	}
}

func TestApplyNeedsBasis(t *testing.T) {
	cat, l := newCatalog(t)
	before := ledgerSize(t, l)
	p := plan(t, cat, "list.csv", []byte("事项名称,事项类型,实施主体\n甲,行政许可,县公安局\n"), Options{})
	for _, meta := range []lists.ChangeMeta{{ChangeNote: "导入"}, {BasisDoc: "文号"}} {
		if _, err := Apply(context.Background(), cat, p, meta, testActor); err == nil {
			t.Errorf("Apply with %+v: got nil, want an error", meta)
		}
	}
	if got := ledgerSize(t, l); got != before {
		t.Errorf("ledger grew by %d entries, want none", got-before)
	}
}

func TestReportNamesRejectionsAndAmendments(t *testing.T) {
	cat, _ := newCatalog(t)
	seedCounty(t, cat)
	content := []byte("实施编码,事项名称,事项类型,实施主体,法定办结时限,办事指南链接\n" +
		"XK-SCJG-900,食品生产许可,行政许可,县市场监督管理局,25个工作日,http://x\n" +
		"XK-SCJG-901,已取消的许可,行政许可,县市场监督管理局,,\n")
	rep := report(plan(t, cat, "list.csv", content, Options{Source: "list.csv"}))
	for _, want := range []string{
		"powers      2 rows: 0 create, 1 amend, 0 unchanged, 1 rejected",
		"line 3: power XK-SCJG-901 已取消的许可: XK-SCJG-901 was repealed",
		"line 2: power XK-SCJG-900 食品生产许可: legal_limit",
		"实施依据 (basis)",
		"法定办结时限 (legal_limit): 1 row (line 3)",
		"办事指南链接 (guide_url): the model has no field for it",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}
