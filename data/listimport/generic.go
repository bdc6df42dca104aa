package listimport

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"qingdan/data/listfile"
	"qingdan/data/lists"
)

// layout is where export and import put the fields of the items: the
// hand-made CSV columns of each kind and the fields a file sets in places
// of their own (with their own cell formats). Every other simple field of
// an item (lists.Field.Simple) has a generic place: a column under its
// Chinese label, after the hand-made ones, in export and in import.
type layout struct {
	columns map[lists.Kind][]column
	fields  map[lists.Kind][]string
}

// handLayout is the package's layout.
var handLayout = layout{
	columns: map[lists.Kind][]column{lists.KindPower: powerColumns, lists.KindService: serviceColumns,
		lists.KindResponsibility: responsibilityColumns},
	fields: itemFields,
}

// columnKeys are the export columns of the fields written under a column
// key other than their JSON key.
var columnKeys = map[lists.Kind]map[string]string{
	lists.KindPower:          {"dept": "dept_name"},
	lists.KindService:        {"dept": "dept_name"},
	lists.KindResponsibility: {"dept": "dept_name", "power_code": "code"},
}

// genericExport lists the fields of kind that export writes in generic
// columns, in the item's order.
func (l layout) genericExport(kind lists.Kind) []lists.Field {
	hand := map[string]bool{}
	for _, c := range l.columns[kind] {
		hand[c.key] = true
	}
	var out []lists.Field
	for _, f := range lists.Fields(kind) {
		key := f.Key
		if k, ok := columnKeys[kind][key]; ok {
			key = k
		}
		if f.Simple() && !hand[key] {
			out = append(out, f)
		}
	}
	return out
}

// genericImport lists the fields of kind that import reads from generic
// columns, in the item's order (the code is read by every row).
func (l layout) genericImport(kind lists.Kind) []lists.Field {
	if _, imported := l.fields[kind]; !imported {
		return nil
	}
	var out []lists.Field
	for _, f := range lists.Fields(kind) {
		if f.Simple() && f.Key != "code" && !slices.Contains(l.fields[kind], f.Key) {
			out = append(out, f)
		}
	}
	return out
}

// importKeys are the fields of kind a file can set, hand-read and generic.
func (l layout) importKeys(kind lists.Kind) []string {
	keys := slices.Clone(l.fields[kind])
	for _, f := range l.genericImport(kind) {
		keys = append(keys, f.Key)
	}
	return keys
}

// exportColumns are the CSV columns of kind: the hand-made ones, then
// one per generic field under its Chinese label.
func (l layout) exportColumns(kind lists.Kind) []column {
	cols := slices.Clone(l.columns[kind])
	for _, f := range l.genericExport(kind) {
		cols = append(cols, column{key: f.Key, header: f.ZH})
	}
	return cols
}

// headers are the column headers listfile does not know that import
// reads: the Chinese label and the JSON key of every generic field (of
// powers first, then services, where two share a label).
func (l layout) headers() map[string]string {
	m := map[string]string{}
	for _, kind := range []lists.Kind{lists.KindPower, lists.KindService} {
		for _, f := range l.genericImport(kind) {
			for _, h := range []string{f.ZH, f.Key} {
				if _, taken := m[h]; !taken && h != "" {
					m[h] = f.Key
				}
			}
		}
	}
	return m
}

// read reads a list file with the generic fields' headers.
func (l layout) read(name string, content []byte) (*listfile.Table, error) {
	return listfile.ReadWith(name, content, listfile.ReadOptions{Headers: l.headers()})
}

// without is l with the fields of keys taken out of the hand-made places
// of every kind, so that they go the generic way (for tests).
func (l layout) without(keys ...string) layout {
	out := layout{columns: map[lists.Kind][]column{}, fields: map[lists.Kind][]string{}}
	for kind, cols := range l.columns {
		out.columns[kind] = slices.DeleteFunc(slices.Clone(cols), func(c column) bool { return slices.Contains(keys, c.key) })
	}
	for kind, fields := range l.fields {
		out.fields[kind] = slices.DeleteFunc(slices.Clone(fields), func(k string) bool { return slices.Contains(keys, k) })
	}
	return out
}

// ReadFile reads a list file as listfile.Read does, also recognising the
// columns of the items' generic fields (their Chinese labels and JSON
// keys), which import reads.
func ReadFile(name string, content []byte) (*listfile.Table, error) {
	return handLayout.read(name, content)
}

// genericCells renders the generic fields of an item by key.
func genericCells(raw json.RawMessage, fields []lists.Field) (map[string]string, error) {
	m := map[string]string{}
	if len(fields) == 0 {
		return m, nil
	}
	var byKey map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byKey); err != nil {
		return nil, err
	}
	for _, f := range fields {
		v := reflect.New(f.Type)
		if r, ok := byKey[f.Key]; ok {
			if err := json.Unmarshal(r, v.Interface()); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Key, err)
			}
		}
		m[f.Key] = formatGeneric(v.Elem())
	}
	return m, nil
}

// formatGeneric writes a simple value: text as it is, a whole number in
// decimal, 是 or 否, a list one element per line (its JSON when that
// would not read back the same).
func formatGeneric(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Bool:
		if v.Bool() {
			return "是"
		}
		return "否"
	case reflect.Slice:
		return formatTextList(lists.Texts(v))
	}
	return v.String()
}

// parseGeneric reads a cleaned cell as a value of type t (a simple type).
func parseGeneric(t reflect.Type, cell string) (any, error) {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Int:
		n, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return nil, fmt.Errorf("%q is not a whole number", cell)
		}
		v.SetInt(n)
	case reflect.Bool:
		b, err := parseBool(strings.TrimSpace(cell))
		if err != nil {
			return nil, err
		}
		v.SetBool(b)
	case reflect.Slice:
		lists.SetTexts(v, parseTextList(cell))
	default:
		v.SetString(strings.TrimSpace(cell))
	}
	return v.Interface(), nil
}

// parseTextList reads a list of texts: one per line or between
// semicolons, or the list's JSON.
func parseTextList(cell string) []string {
	if strings.HasPrefix(cell, "[") {
		var ss []string
		if jsonCell(cell, &ss) {
			return ss
		}
	}
	return splitAny(cell, "；;")
}

func formatTextList(ss []string) string {
	text := strings.Join(ss, "\n")
	if !roundTrips(text, ss, func(c string) ([]string, error) { return parseTextList(c), nil }) {
		return jsonText(ss)
	}
	return text
}
