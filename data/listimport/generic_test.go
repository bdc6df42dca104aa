package listimport

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"qingdan/data/lists"
)

// The generic place is tested by taking simple fields out of the hand-made
// columns and fields (layout.without): export must then write them under
// their Chinese labels and import must read them back.

// genericDept is the department of the generic tests' items.
var genericDept = lists.Department{Code: "scjg", Name: "县市场监督管理局"}

func genericPowers() []lists.PowerItem {
	base := func(code string) lists.PowerItem {
		return lists.PowerItem{Code: code, Name: "通用字段事项" + code, Category: "QT", Dept: "scjg",
			Basis: []lists.Basis{}, Joint: []string{}, Levels: []string{}, Audience: []string{},
			Fee: lists.Fee{Items: []string{}}, Materials: []lists.Material{}, Steps: []lists.Step{}, IntegrityRisks: []string{}}
	}
	a, b := base("QT-G-1"), base("QT-G-2")
	a.ConsultPhone = "0826-2345678"
	a.IntegrityRisks = []string{"超时办理", "含；分号的风险"} // cannot be split back: its JSON
	b.IntegrityRisks = []string{"甲", "乙"}
	return []lists.PowerItem{a, b}
}

func genericServices() []lists.ServiceItem {
	return []lists.ServiceItem{
		{Code: "GG-G-1", Name: "通用字段服务", Audience: "individual", Hot: true, Visits: 2, Dept: "scjg",
			Category: "GG", Materials: []lists.Material{}, Fee: lists.Fee{Items: []string{}}, Hours: "工作日 9:00-17:00", ConsultPhone: "0826-1112222"},
		{Code: "GG-G-2", Name: "另一服务", Audience: "legal_person", Dept: "scjg", Category: "GG",
			Materials: []lists.Material{}, Fee: lists.Fee{Items: []string{}}},
	}
}

// newGenericCatalog lists the department and, if items, the generic
// tests' powers and services.
func newGenericCatalog(t *testing.T, items bool) *lists.Catalog {
	t.Helper()
	cat, _ := newCatalog(t)
	publish(t, cat, lists.KindDepartment, genericDept)
	if items {
		for _, p := range genericPowers() {
			publish(t, cat, lists.KindPower, p)
		}
		for _, s := range genericServices() {
			publish(t, cat, lists.KindService, s)
		}
	}
	return cat
}

// exportWith writes the CSV export of kind with the columns of l.
func exportWith(t *testing.T, l layout, cat *lists.Catalog, kind lists.Kind) []byte {
	t.Helper()
	ctx := context.Background()
	items, err := ListAll(ctx, cat, kind)
	if err != nil {
		t.Fatal(err)
	}
	depts, err := ListAll(ctx, cat, lists.KindDepartment)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := l.writeCSV(&buf, kind, items, deptNames(depts)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// planWith reads and plans a file with the fields of l.
func planWith(t *testing.T, l layout, cat *lists.Catalog, content []byte) *Plan {
	t.Helper()
	tb, err := l.read("generic.csv", content)
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.newPlan(context.Background(), cat, tb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fieldKeys(fs []lists.Field) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Key
	}
	return keys
}

// TestGenericFieldsRoundTrip: simple fields without a hand-made column
// are exported after the hand-made columns under their Chinese labels,
// and importing the export into empty lists creates the same items.
func TestGenericFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	l := handLayout.without("consult_phone", "integrity_risks", "hours", "hot", "visits")
	src := newGenericCatalog(t, true)
	want := map[lists.Kind][]string{lists.KindPower: {"consult_phone", "integrity_risks"},
		lists.KindService: {"hot", "visits", "hours", "consult_phone"}}
	for kind, keys := range want {
		t.Run(string(kind), func(t *testing.T) {
			generic := l.genericExport(kind)
			if got := fieldKeys(generic); !slices.Equal(got, keys) {
				t.Fatalf("generic export fields %v, want %v", got, keys)
			}
			if got := fieldKeys(l.genericImport(kind)); !slices.Equal(got, keys) {
				t.Fatalf("generic import fields %v, want %v", got, keys)
			}
			content := exportWith(t, l, src, kind)
			rows := splitCSV(t, strings.TrimPrefix(string(content), utf8BOM))
			hand := len(l.columns[kind])
			var labels []string
			for _, f := range generic {
				labels = append(labels, f.ZH)
			}
			if got := rows[0][hand:]; !slices.Equal(got, labels) {
				t.Fatalf("columns after the hand-made ones %v, want %v", got, labels)
			}
			checkGenericCells(t, kind, rows, hand)
			dst := newGenericCatalog(t, false)
			p := planWith(t, l, dst, content)
			if c := p.Counts(kind); c.Create != len(rows)-1 || c.Total() != c.Create {
				t.Fatalf("got %+v, want %d to create\n%s", c, len(rows)-1, report(p))
			}
			apply(t, dst, p)
			sameItems(t, src, dst, kind)
		})
	}
}

// checkGenericCells checks the generic cells of the first item of kind.
func checkGenericCells(t *testing.T, kind lists.Kind, rows [][]string, hand int) {
	t.Helper()
	want := map[lists.Kind][]string{lists.KindPower: {"0826-2345678", `["超时办理","含；分号的风险"]`},
		lists.KindService: {"是", "2", "工作日 9:00-17:00", "0826-1112222"}}[kind]
	for _, r := range rows[1:] {
		if r[0] == "QT-G-1" || r[0] == "GG-G-1" {
			if got := r[hand:]; !slices.Equal(got, want) {
				t.Errorf("%s generic cells %q, want %q", r[0], got, want)
			}
			return
		}
	}
	t.Errorf("no row for the first %s", kind)
}

// sameItems compares the items of kind of two catalogues.
func sameItems(t *testing.T, a, b *lists.Catalog, kind lists.Kind) {
	t.Helper()
	x, y := mustList(t, a, kind), mustList(t, b, kind)
	if len(x) != len(y) {
		t.Fatalf("%d items, want %d", len(y), len(x))
	}
	byCode := map[string]*lists.Item{}
	for _, it := range y {
		byCode[it.Code] = it
	}
	for _, it := range x {
		got := byCode[it.Code]
		if got == nil || !sameValue(it.Raw, got.Raw) {
			t.Errorf("%s imported as %s, want %s", it.Code, rawOf(got), it.Raw)
		}
	}
}

func rawOf(it *lists.Item) string {
	if it == nil {
		return "nothing"
	}
	return string(it.Raw)
}

// TestGenericCellErrors: a generic cell that is not of its field's type
// rejects the row like the other cells; a good one amends the field.
func TestGenericCellErrors(t *testing.T) {
	t.Parallel()
	l := handLayout.without("visits", "hot")
	cat := newGenericCatalog(t, true)
	content := exportWith(t, l, cat, lists.KindService)
	tests := []struct {
		header, cell string
		reason       string // "" for an amendment
		field, value string
	}{
		{"到办事现场次数", "最多跑一次", `visits: "最多跑一次" is not a whole number`, "", ""},
		{"到办事现场次数", "2.5", `visits: "2.5" is not a whole number`, "", ""},
		{"热点事项", "也许", `hot: "也许" is neither 是 nor 否`, "", ""},
		{"到办事现场次数", "３", "", "visits", "3"}, // full-width, as people type it
		{"热点事项", "否", "", "hot", "false"},
	}
	for _, tc := range tests {
		p := planWith(t, l, cat, editCSV(t, content, "GG-G-1", tc.header, tc.cell))
		e := entryFor(p, "GG-G-1")
		switch {
		case e == nil:
			t.Fatalf("%s %q: no entry for GG-G-1\n%s", tc.header, tc.cell, report(p))
		case tc.reason != "" && (e.Action != Reject || e.Reason != tc.reason):
			t.Errorf("%s %q: got %s %q, want a rejection %q", tc.header, tc.cell, e.Action, e.Reason, tc.reason)
		case tc.reason == "" && (e.Action != Amend || !slices.Equal(e.Fields, []string{tc.field}) ||
			string(e.Changes[tc.field]) != tc.value):
			t.Errorf("%s %q: got %s %v %s, want %s set to %s", tc.header, tc.cell, e.Action, e.Fields, e.Changes[tc.field], tc.field, tc.value)
		}
	}
}

func entryFor(p *Plan, code string) *Entry {
	for _, e := range p.Entries {
		if e.Code == code {
			return e
		}
	}
	return nil
}

// TestGenericCellsOfTypes: each simple type, named types included, is
// written and read back the same.
func TestGenericCellsOfTypes(t *testing.T) {
	type tag string
	type item struct {
		Windows int    `json:"windows" label:"窗口数量|Windows"`
		Open    bool   `json:"open" label:"是否开放|Open"`
		Note    string `json:"note" label:"说明|Note"`
		Tags    []tag  `json:"tags" label:"标签|Tags"`
		Empty   []tag  `json:"empty" label:"空|Empty"`
	}
	fields, err := lists.FieldsOfType(reflect.TypeFor[item]())
	if err != nil {
		t.Fatal(err)
	}
	in := item{Windows: -3, Open: true, Note: "周一至周五", Tags: []tag{"甲", "乙"}}
	cells, err := genericCells(mustJSON(in), fields)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"windows": "-3", "open": "是", "note": "周一至周五", "tags": "甲\n乙", "empty": ""}
	if !reflect.DeepEqual(cells, want) {
		t.Fatalf("cells %q, want %q", cells, want)
	}
	var out item
	for i, f := range fields {
		if cells[f.Key] == "" {
			continue
		}
		v, err := parseGeneric(f.Type, cells[f.Key])
		if err != nil {
			t.Fatalf("%s: %v", f.Key, err)
		}
		reflect.ValueOf(&out).Elem().Field(i).Set(reflect.ValueOf(v))
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("read back %+v, want %+v", out, in)
	}
}
