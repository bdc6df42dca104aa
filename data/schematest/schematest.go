// Package schematest fills the list items' structs by reflection, for the
// tests that check every field of an item reaches every surface that
// shows or reads it (import headers, export, edit form, labels, pages).
package schematest

import (
	"reflect"
	"strconv"
	"strings"
)

// Leaf is one value of an item filled by Fill: its JSON path
// ("fee.basis", "materials.*.name") and the text it is written as.
type Leaf struct {
	Path, Text string
	IsBool     bool
}

// Fill fills every field of v (a pointer to a struct) with a value of its
// own: strings "zq<n>x", whole numbers 9000+n, booleans true, and one
// element in each slice. It returns the leaves in field order.
func Fill(v any) []Leaf {
	var leaves []Leaf
	n := 0
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i), strings.TrimPrefix(path+"."+jsonName(v.Type().Field(i)), "."))
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), path+".*")
		case reflect.String:
			n++
			v.SetString("zq" + strconv.Itoa(n) + "x")
			leaves = append(leaves, Leaf{Path: path, Text: v.String()})
		case reflect.Int:
			n++
			v.SetInt(int64(9000 + n))
			leaves = append(leaves, Leaf{Path: path, Text: strconv.Itoa(9000 + n)})
		case reflect.Bool:
			v.SetBool(true)
			leaves = append(leaves, Leaf{Path: path, IsBool: true})
		}
	}
	fill(reflect.ValueOf(v).Elem(), "")
	return leaves
}

// TopField is the item field a leaf's path belongs to.
func TopField(path string) string {
	f, _, _ := strings.Cut(path, ".")
	return f
}

// TopFields lists the JSON names of the fields of the struct v points to.
func TopFields(v any) []string {
	t := reflect.TypeOf(v).Elem()
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = jsonName(t.Field(i))
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}
