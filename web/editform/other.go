package editform

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"qingdan/data/lists"
	"qingdan/web/i18n"
)

// A field added to an item with its label (lists.Field) and laid out by
// no section of its form is not lost: the form shows it in a section of
// its own, with a control chosen by its type and labelled with the
// field's own name, and the codec reads and writes it by reflection.

// kindOf is the list of a form's path segment.
var kindOf = map[string]lists.Kind{
	"powers": lists.KindPower, "services": lists.KindService, "responsibilities": lists.KindResponsibility,
}

// segOf is the path segment of a list's form.
func segOf(k lists.Kind) string {
	for seg, kind := range kindOf {
		if kind == k {
			return seg
		}
	}
	return ""
}

// otherFields are the simple fields of the list seg that no section of
// specs lays out.
func otherFields(seg string, specs []Section) []lists.Field {
	laid := map[string]bool{}
	for _, sec := range specs {
		for _, f := range sec.Fields {
			top, _, _ := strings.Cut(f.Name, ".")
			laid[top] = true
		}
	}
	var out []lists.Field
	for _, f := range lists.Fields(kindOf[seg]) {
		if !laid[f.Key] && f.Simple() {
			out = append(out, f)
		}
	}
	return out
}

// otherSection is the section of the fields no section lays out, nil if
// there are none.
func otherSection(kind lists.Kind, fields []lists.Field) *Section {
	if len(fields) == 0 {
		return nil
	}
	sec := &Section{Legend: "ef_other"}
	for _, f := range fields {
		spec := FieldSpec{Name: f.Key, Label: i18n.FieldKey(kind, f.Key)}
		switch f.Type.Kind() {
		case reflect.Int:
			spec.Type, spec.Attrs = "number", `step="1" inputmode="numeric"`
		case reflect.Bool:
			spec.Type = "check"
		case reflect.Slice:
			spec.Type, spec.Hint, spec.Cells = "rows", "ef_rows_hint", []FieldSpec{{Type: "text", Label: i18n.FieldKey(kind, f.Key), Attrs: `maxlength="2000"`}}
		default:
			spec.Type, spec.Attrs = "text", `maxlength="2000"`
		}
		sec.Fields = append(sec.Fields, spec)
	}
	return sec
}

// readOther sets fields of item (a pointer to an item struct) from the
// form.
func readOther(r *formReader, item any, fields []lists.Field) {
	for _, f := range fields {
		fv := f.Value(item)
		switch f.Type.Kind() {
		case reflect.Int:
			fv.SetInt(int64(r.num(f.Key, f.Key)))
		case reflect.Bool:
			fv.SetBool(r.flag(f.Key))
		case reflect.Slice:
			lists.SetTexts(fv, r.strs(f.Key))
		default:
			fv.SetString(r.long(f.Key))
		}
	}
}

// writeOther sets the form values of fields of item (a pointer to an item
// struct).
func writeOther(v url.Values, item any, fields []lists.Field) {
	for _, f := range fields {
		fv := f.Value(item)
		switch f.Type.Kind() {
		case reflect.Int:
			v.Set(f.Key, strconv.FormatInt(fv.Int(), 10))
		case reflect.Bool:
			setFlag(v, f.Key, fv.Bool())
		case reflect.Slice:
			setStrs(v, f.Key, lists.Texts(fv))
		default:
			v.Set(f.Key, fv.String())
		}
	}
}
