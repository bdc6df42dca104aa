package listimport

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"qingdan/data/demo"
	"qingdan/data/listfile"
	"qingdan/data/lists"
	"qingdan/ledger"
)

// trickyPowers have values the plain cell formats cannot carry, so their
// export falls back to JSON cells, and values cleaning changes.
func trickyPowers() []lists.PowerItem {
	base := func(code string) lists.PowerItem {
		return lists.PowerItem{Code: code, Name: "测试事项" + code, Category: "QT", Dept: "scjg",
			Basis: []lists.Basis{}, Joint: []string{}, Levels: []string{}, Audience: []string{},
			Fee: lists.Fee{Items: []string{}}, Materials: []lists.Material{}, Steps: []lists.Step{}, IntegrityRisks: []string{}}
	}
	a := base("QT-T-1")
	a.Basis = []lists.Basis{{Law: "《条例》", Article: "第三条", Text: "第一款。\n第二款。"}, {Law: "国务院令", Text: "无书名号"}}
	a.Materials = []lists.Material{{Name: "1.身份证", Required: true}, {Name: "（非必要）", Required: false}}
	a.Fee = lists.Fee{Charged: false, Items: []string{"工本费"}}
	a.Steps = []lists.Step{{Name: "1.受理", Days: 1}}
	b := base("QT-T-2")
	b.Name = "全角２０  双空格"
	b.Conditions = "第一行\n\n第三行  多空格"
	b.Joint = []string{"gaj"}
	b.Audience = []string{"other_org", "individual"}
	b.Levels = []string{"县", "乡镇"}
	b.Fee = lists.Fee{Charged: true, Basis: "《收费标准》", Items: []string{"依据：不是依据"}}
	c := base("QT-T-3")
	c.Dept = "scjg2"    // a department whose name another one has
	d := base("QT-T-4") // cells a spreadsheet would take for formulas
	d.Name = "=HYPERLINK(\"http://example.invalid\",\"点此\")"
	d.Conditions = "-1 天内申请"
	d.ConsultPhone = "+86 0826 1234567"
	return []lists.PowerItem{a, b, c, d}
}

// seedRich lists the demo county (through its own history of amendments
// and repeals) and the tricky items.
func seedRich(t *testing.T, cat *lists.Catalog) {
	t.Helper()
	if err := demo.Seed(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	publish(t, cat, lists.KindDepartment, lists.Department{Code: "scjg2", Name: "县市场监督管理局"})
	for _, p := range trickyPowers() {
		publish(t, cat, lists.KindPower, p)
	}
}

// TestExportImportRoundTrip exports the demo county and imports it back,
// then edits one cell (on the same lists, as seeding them takes a while).
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	cat, l := newCatalog(t)
	seedRich(t, cat)
	ctx := context.Background()
	for _, kind := range []lists.Kind{lists.KindPower, lists.KindService} {
		for _, format := range []string{FormatCSV, FormatJSON} {
			t.Run(string(kind)+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := ExportAll(ctx, cat, kind, format, &buf); err != nil {
					t.Fatal(err)
				}
				listed := mustList(t, cat, kind)
				before := ledgerSize(t, l)
				p := plan(t, cat, "export."+format, buf.Bytes(), Options{})
				c := p.Counts(kind)
				if c.Unchanged != len(listed) || c.Total() != len(listed) || len(p.Departments) != 0 {
					t.Fatalf("got %+v and %d departments to create, want all %d unchanged\n%s", c, len(p.Departments), len(listed), report(p))
				}
				res := apply(t, cat, p)
				if res.Appended != 0 || ledgerSize(t, l) != before {
					t.Errorf("appended %d entries, want none", res.Appended)
				}
				if format == FormatCSV && !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
					t.Error("CSV export has no byte-order mark")
				}
				if format == FormatCSV && bytes.Count(buf.Bytes(), []byte("\r\n")) < len(listed)+1 {
					t.Error("CSV export does not end its rows with CRLF")
				}
			})
		}
	}
	t.Run("json fallback", func(t *testing.T) {
		var buf bytes.Buffer
		if err := ExportAll(ctx, cat, lists.KindPower, FormatCSV, &buf); err != nil {
			t.Fatal(err)
		}
		tb := readTable(t, "p.csv", buf.Bytes())
		for _, r := range tb.Rows {
			if r.Fields["code"] == "QT-T-1" {
				for _, k := range []string{"basis", "materials", "steps", "fee"} {
					if !strings.HasPrefix(r.Fields[k], "[") && !strings.HasPrefix(r.Fields[k], "{") {
						t.Errorf("%s cell %q, want its JSON", k, r.Fields[k])
					}
				}
			}
		}
	})
	t.Run("amend via csv", func(t *testing.T) { testAmendViaCSV(t, cat, l) })
}

// testAmendViaCSV edits one cell of an exported list.
func testAmendViaCSV(t *testing.T, cat *lists.Catalog, l *ledger.Log) {
	ctx := context.Background()
	var buf bytes.Buffer
	if err := ExportAll(ctx, cat, lists.KindPower, FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	const code = "XK-SCJG-001"
	cur, err := cat.Get(ctx, lists.KindPower, code)
	if err != nil {
		t.Fatal(err)
	}
	var pw lists.PowerItem
	json.Unmarshal(cur.Raw, &pw)
	edited := editCSV(t, buf.Bytes(), code, "法定办结时限", "１５个工作日") // full-width, as people type it
	before := ledgerSize(t, l)
	p := plan(t, cat, "edited.csv", edited, Options{})
	var amended []*Entry
	for _, e := range p.Entries {
		if e.Action == Amend {
			amended = append(amended, e)
		}
	}
	if len(amended) != 1 || amended[0].Code != code || !slices.Equal(amended[0].Fields, []string{"legal_limit"}) {
		t.Fatalf("got amendments %+v, want %s legal_limit only\n%s", amended, code, report(p))
	}
	if got := string(amended[0].Changes["legal_limit"]); got != "15" || pw.LegalLimit == 15 {
		t.Errorf("got legal_limit %s, want 15 (was %d)", got, pw.LegalLimit)
	}
	res := apply(t, cat, p)
	if res.Powers.Amend != 1 || ledgerSize(t, l) != before+1 {
		t.Errorf("got %s, ledger grew by %d, want one amendment", res, ledgerSize(t, l)-before)
	}
	h, err := cat.History(ctx, lists.KindPower, code)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if !slices.Equal(last.Changed, []string{"legal_limit"}) || last.BasisDoc != testMeta.BasisDoc {
		t.Errorf("last version changed %v basis %q, want [legal_limit] %q", last.Changed, last.BasisDoc, testMeta.BasisDoc)
	}
}

// editCSV sets one cell of the row with the given code in an exported CSV.
func editCSV(t *testing.T, content []byte, code, header, value string) []byte {
	t.Helper()
	text := strings.TrimPrefix(string(content), "\uFEFF")
	rows := splitCSV(t, text)
	col := slices.Index(rows[0], header)
	if col < 0 {
		t.Fatalf("no column %s", header)
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == code {
			r[col], found = value, true
		}
	}
	if !found {
		t.Fatalf("no row %s", code)
	}
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csvWriter(&b)
	w.WriteAll(rows)
	return b.Bytes()
}

func TestExportHeadersAreRecognised(t *testing.T) {
	for _, cols := range [][]column{powerColumns, serviceColumns} {
		for _, c := range cols {
			if got, ok := listfile.MatchHeader(c.header); !ok || got != c.key {
				t.Errorf("MatchHeader(%s) = %q, %v, want %q", c.header, got, ok, c.key)
			}
		}
	}
}

func TestWriteCSVRefusesOtherKinds(t *testing.T) {
	err := WriteCSV(&bytes.Buffer{}, lists.KindDepartment, nil, nil)
	if err == nil {
		t.Error("got nil, want an error for a department CSV")
	}
	err = WriteCSV(&bytes.Buffer{}, lists.KindPower, []*lists.Item{{Kind: lists.KindService, Code: "x"}}, nil)
	if err == nil {
		t.Error("got nil, want an error for a service in a power export")
	}
}
