package lists

import (
	"fmt"
	"reflect"
	"strings"
)

// A Field is a top-level field of an item as people read it: its JSON key,
// its name in Chinese (the column name of published lists) and in English
// (the field's `label` tag, "中文|English"), and its Go type. A field
// added to an item with its label is shown by every surface that lays out
// no place of its own for it: the editor's form, the public pages, export
// and import (each has a generic place for such a field).
type Field struct {
	Key  string
	ZH   string
	EN   string
	Type reflect.Type
	// index is the field's place in its struct.
	index int
}

// Value is the field in item, a pointer to an item struct (settable) or
// an item struct.
func (f Field) Value(item any) reflect.Value {
	return reflect.Indirect(reflect.ValueOf(item)).Field(f.index)
}

// Texts is a list-of-texts value (any slice of a string type) as strings.
func Texts(v reflect.Value) []string {
	out := make([]string, v.Len())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

// SetTexts sets a list-of-texts value (any slice of a string type).
func SetTexts(v reflect.Value, texts []string) {
	list := reflect.MakeSlice(v.Type(), len(texts), len(texts))
	for i, s := range texts {
		list.Index(i).SetString(s)
	}
	v.Set(list)
}

// Label is the field's name in lang ("en" for English, Chinese otherwise).
func (f Field) Label(lang string) string {
	if lang == "en" {
		return f.EN
	}
	return f.ZH
}

// Simple reports whether a generic control, cell or line can carry the
// field: text, a whole number, yes or no, or a list of texts.
func (f Field) Simple() bool {
	switch f.Type.Kind() {
	case reflect.String, reflect.Int, reflect.Bool:
		return true
	case reflect.Slice:
		return f.Type.Elem().Kind() == reflect.String
	}
	return false
}

// Fields lists the top-level fields of an item of kind, in the item's
// order.
func Fields(kind Kind) []Field {
	return fieldsOf(itemTypes[kind])
}

// FieldOf is the field key of an item of kind; ok is false when it has no
// such field.
func FieldOf(kind Kind, key string) (Field, bool) {
	for _, f := range Fields(kind) {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// itemTypes are the item structs of the lists.
var itemTypes = map[Kind]reflect.Type{
	KindDepartment:     reflect.TypeFor[Department](),
	KindPower:          reflect.TypeFor[PowerItem](),
	KindResponsibility: reflect.TypeFor[Responsibility](),
	KindService:        reflect.TypeFor[ServiceItem](),
}

// fieldsOf reads the fields of a struct type from its json and label
// tags. A field without a label is a programming error (TestFieldsAreLabelled).
func fieldsOf(t reflect.Type) []Field {
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			continue
		}
		zh, en, _ := strings.Cut(sf.Tag.Get("label"), "|")
		out = append(out, Field{Key: key, ZH: zh, EN: en, Type: sf.Type, index: i})
	}
	return out
}

// FieldsOfType is Fields for any struct type (for tests of the surfaces'
// generic places with a struct of their own).
func FieldsOfType(t reflect.Type) ([]Field, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("lists: %s is not a struct", t)
	}
	return fieldsOf(t), nil
}
