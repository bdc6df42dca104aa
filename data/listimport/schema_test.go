package listimport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qingdan/data"
	"qingdan/data/listfile"
)

// The schema tests walk the item structs by reflection, so that a field
// added to an item fails here until the import headers and the CSV export
// know it.

// schemaLeaf is one value of an item filled by fillSchema: its JSON path
// ("fee.basis", "materials.*.name") and the text it is written as.
type schemaLeaf struct {
	path, text string
	isBool     bool
}

// fillSchema fills every field of v (a pointer to a struct) with a value
// of its own: strings "zq<n>x", whole numbers 9000+n, booleans true, and
// one element in each slice. It returns the leaves in field order.
func fillSchema(v any) []schemaLeaf {
	var leaves []schemaLeaf
	n := 0
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
				fill(v.Field(i), strings.TrimPrefix(path+"."+name, "."))
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), path+".*")
		case reflect.String:
			n++
			v.SetString("zq" + strconv.Itoa(n) + "x")
			leaves = append(leaves, schemaLeaf{path: path, text: v.String()})
		case reflect.Int:
			n++
			v.SetInt(int64(9000 + n))
			leaves = append(leaves, schemaLeaf{path: path, text: strconv.Itoa(9000 + n)})
		case reflect.Bool:
			v.SetBool(true)
			leaves = append(leaves, schemaLeaf{path: path, isBool: true})
		}
	}
	fill(reflect.ValueOf(v).Elem(), "")
	return leaves
}

// topField is the item field a leaf belongs to.
func topField(path string) string {
	f, _, _ := strings.Cut(path, ".")
	return f
}

// topFields lists the JSON names of the fields of the struct v points to.
func topFields(v any) []string {
	t := reflect.TypeOf(v).Elem()
	out := make([]string, t.NumField())
	for i := range out {
		out[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return out
}

// fileKeys are the canonical keys (listfile) that set an item field whose
// key differs: files name the acting department (实施主体), not its code.
var fileKeys = map[string]string{"dept": "dept_name"}

// importedKinds are the lists a file can be imported into, with an empty
// item of each. Responsibility items are not imported (ignoredWhy) and
// departments are not read from files: published lists carry neither as
// rows of an item list, so their fields need no import header.
var importedKinds = map[data.Kind]any{data.KindPower: &data.PowerItem{}, data.KindService: &data.ServiceItem{}}

// TestSchemaImportHeaders: every field of a power and of a service is one
// that an import sets (itemFields; the code is the key every import
// reads), and at least one published column header maps to it.
func TestSchemaImportHeaders(t *testing.T) {
	for kind, item := range importedKinds {
		for _, field := range topFields(item) {
			if field != "code" && !slices.Contains(itemFields[kind], field) {
				t.Errorf("%s field %q: not in itemFields, so an import never sets it", kind, field)
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
	kind    data.Kind
	item    func() any
	columns map[string]string
}{
	{data.KindPower, func() any { return &data.PowerItem{} }, map[string]string{"dept": "dept_name"}},
	{data.KindService, func() any { return &data.ServiceItem{} }, map[string]string{"dept": "dept_name"}},
	{data.KindResponsibility, func() any { return &data.Responsibility{} },
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
			leaves := fillSchema(item)
			raw, _ := json.Marshal(item)
			var buf bytes.Buffer
			it := &data.Item{Kind: ek.kind, Code: "zq-code", Raw: raw, Status: data.StatusInForce, Version: 1}
			if err := WriteCSV(&buf, ek.kind, []*data.Item{it}, nil); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("the export: %d rows, %v; want a header and one row", len(rows), err)
			}
			cells := exportedCells(ek.kind, rows[0], rows[1])
			for _, l := range leaves {
				col := topField(l.path)
				if c, ok := ek.columns[col]; ok {
					col = c
				}
				cell, ok := cells[col]
				switch {
				case !ok:
					t.Errorf("%s field %q: no export column %q", ek.kind, l.path, col)
				case cell == "":
					t.Errorf("%s field %q: export column %q is empty", ek.kind, l.path, col)
				case !l.isBool && !strings.Contains(cell, l.text):
					t.Errorf("%s field %q: export column %q is %q, want it to hold %q", ek.kind, l.path, col, cell, l.text)
				}
			}
		})
	}
}

// exportedCells maps the export columns of kind, by key, to the cells of
// row.
func exportedCells(kind data.Kind, head, row []string) map[string]string {
	cols := map[data.Kind][]column{data.KindPower: powerColumns, data.KindService: serviceColumns,
		data.KindResponsibility: responsibilityColumns}[kind]
	m := map[string]string{}
	for i, c := range cols {
		if i < len(row) && i < len(head) && head[i] == c.header {
			m[c.key] = row[i]
		}
	}
	return m
}
