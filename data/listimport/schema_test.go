package listimport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"qingdan/data/listfile"
	"qingdan/data/lists"
	"qingdan/data/schematest"
)

// The schema tests walk the item structs by reflection, so that a field
// added to an item fails here until the import headers and the CSV export
// know it: in a place of its own or, for a simple field, in the generic
// place (its Chinese label as the column).

// fileKeys are the canonical keys (listfile) that set an item field whose
// key differs: files name the acting department (实施主体), not its code.
var fileKeys = map[string]string{"dept": "dept_name"}

// importedKinds are the lists a file can be imported into, with an empty
// item of each. Responsibility items are not imported (ignoredWhy) and
// departments are not read from files: published lists carry neither as
// rows of an item list, so their fields need no import header.
var importedKinds = map[lists.Kind]any{lists.KindPower: &lists.PowerItem{}, lists.KindService: &lists.ServiceItem{}}

// TestSchemaImportHeaders: every field of a power and of a service is one
// that an import sets (itemFields or the generic fields; the code is the
// key every import reads), and at least one published column header maps
// to it (a generic field's label, through ReadFile).
func TestSchemaImportHeaders(t *testing.T) {
	for kind, item := range importedKinds {
		generic := handLayout.genericImport(kind)
		for _, field := range schematest.TopFields(item) {
			if i := slices.IndexFunc(generic, func(f lists.Field) bool { return f.Key == field }); i >= 0 {
				if key := handLayout.headers()[generic[i].ZH]; key != field {
					t.Errorf("%s field %q: its label %s is read as %q", kind, field, generic[i].ZH, key)
				}
				continue
			}
			if field != "code" && !slices.Contains(itemFields[kind], field) {
				t.Errorf("%s field %q: neither in itemFields nor simple, so an import never sets it", kind, field)
			}
			key := field
			if k, ok := fileKeys[field]; ok {
				key = k
			}
			if h := headerFor(key); h == "" {
				t.Errorf("%s field %q: no column header maps to key %q (listfile synonyms)", kind, field, key)
			}
		}
	}
}

// headerFor returns a synonym of key that MatchHeader maps back to key,
// or "".
func headerFor(key string) string {
	for _, h := range listfile.Synonyms(key) {
		if k, ok := listfile.MatchHeader(h); ok && k == key {
			return h
		}
	}
	return ""
}

// exportKinds are the lists with a CSV export, with the export column of
// each field whose column key differs from its JSON name.
var exportKinds = []struct {
	kind    lists.Kind
	item    func() any
	columns map[string]string
}{
	{lists.KindPower, func() any { return &lists.PowerItem{} }, map[string]string{"dept": "dept_name"}},
	{lists.KindService, func() any { return &lists.ServiceItem{} }, map[string]string{"dept": "dept_name"}},
	{lists.KindResponsibility, func() any { return &lists.Responsibility{} },
		map[string]string{"dept": "dept_name", "power_code": "code"}},
}

// TestSchemaExportColumns: the CSV export of an item whose every field
// holds a value of its own has a column for each field, holding each
// text and number of that field. (Departments have no CSV export; their
// JSON export writes the stored item whole.)
func TestSchemaExportColumns(t *testing.T) {
	for _, ek := range exportKinds {
		t.Run(string(ek.kind), func(t *testing.T) {
			item := ek.item()
			leaves := schematest.Fill(item)
			raw, _ := json.Marshal(item)
			var buf bytes.Buffer
			it := &lists.Item{Kind: ek.kind, Code: "zq-code", Raw: raw, Status: lists.StatusInForce, Version: 1}
			if err := WriteCSV(&buf, ek.kind, []*lists.Item{it}, nil); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("the export: %d rows, %v; want a header and one row", len(rows), err)
			}
			cells := exportedCells(ek.kind, rows[0], rows[1])
			for _, l := range leaves {
				col := schematest.TopField(l.Path)
				if c, ok := ek.columns[col]; ok {
					col = c
				}
				cell, ok := cells[col]
				switch {
				case !ok:
					t.Errorf("%s field %q: no export column %q", ek.kind, l.Path, col)
				case cell == "":
					t.Errorf("%s field %q: export column %q is empty", ek.kind, l.Path, col)
				case !l.IsBool && !strings.Contains(cell, l.Text):
					t.Errorf("%s field %q: export column %q is %q, want it to hold %q", ek.kind, l.Path, col, cell, l.Text)
				}
			}
		})
	}
}

// exportedCells maps the export columns of kind, by key, to the cells of
// row.
func exportedCells(kind lists.Kind, head, row []string) map[string]string {
	cols := handLayout.exportColumns(kind)
	m := map[string]string{}
	for i, c := range cols {
		if i < len(row) && i < len(head) && head[i] == c.header {
			m[c.key] = row[i]
		}
	}
	return m
}
