package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"qingdan/data/lists"
	"qingdan/data/schematest"
	"qingdan/web/editform"
	"qingdan/web/i18n"
)

// The schema tests walk the item structs by reflection, so that a field
// added to an item fails here until the edit form, its labels and the
// public page show it.

// setLeaf sets the leaf at path (as schematest.Fill names it) of the struct v
// points to, in the first element of each slice.
func setLeaf(v any, path string, x any) {
	rv := reflect.ValueOf(v).Elem()
	for _, seg := range strings.Split(path, ".") {
		if seg == "*" {
			rv = rv.Index(0)
			continue
		}
		for i := range rv.NumField() {
			if name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ","); name == seg {
				rv = rv.Field(i)
				break
			}
		}
	}
	rv.Set(reflect.ValueOf(x))
}

// schemaKinds are the lists the editor and the public pages show.
var schemaKinds = []struct {
	seg  string
	kind lists.Kind
	item func() any
}{
	{"powers", lists.KindPower, func() any { return &lists.PowerItem{} }},
	{"services", lists.KindService, func() any { return &lists.ServiceItem{} }},
	{"responsibilities", lists.KindResponsibility, func() any { return &lists.Responsibility{} }},
}

// formNamePattern is the pattern of the form names of a leaf: a slice
// element is a row number ("materials.0.name"), or no segment at all for
// a group of checkboxes ("joint").
func formNamePattern(path string) *regexp.Regexp {
	return regexp.MustCompile(`^` + strings.ReplaceAll(regexp.QuoteMeta(path), `\.\*`, `(\.\d+)?`) + `$`)
}

var formNameAttr = regexp.MustCompile(`name="([^"]+)"`)

// TestSchemaEditForm: the edit form of an item whose every field holds a
// value of its own has a control for every field, and reading the form
// back gives the item unchanged.
func TestSchemaEditForm(t *testing.T) {
	views := newViews()
	for _, sk := range schemaKinds {
		t.Run(sk.seg, func(t *testing.T) {
			item := sk.item()
			leaves := schematest.Fill(item)
			raw, _ := json.Marshal(item)
			v, err := editform.ToForm(sk.kind, raw)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			f := &editform.Form{Seg: sk.seg, V: v, L: i18n.Messages("zh"), Lang: "zh"}
			if err := views.Render(&buf, "edit_fields", f); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range formNameAttr.FindAllStringSubmatch(buf.String(), -1) {
				names = append(names, m[1])
			}
			for _, l := range leaves {
				re := formNamePattern(l.Path)
				if !slices.ContainsFunc(names, re.MatchString) {
					t.Errorf("%s field %q: no control of the edit form is named for it", sk.seg, l.Path)
				}
			}
			back, _ := editform.FromForm(sk.kind, v, "")
			if !reflect.DeepEqual(back, item) {
				t.Errorf("%s: the form reads back as\n%s\nwant\n%s", sk.seg, mustJSON(back), mustJSON(item))
			}
		})
	}
}

// TestSchemaLabels: every field of an item has a label in the editor, in
// Chinese and in English, and so has every cell of its rows.
func TestSchemaLabels(t *testing.T) {
	for _, sk := range schemaKinds {
		item := sk.item()
		seen := map[string]bool{}
		for _, l := range schematest.Fill(item) {
			field, _, _ := strings.Cut(l.Path, ".")
			if seen[field] {
				continue
			}
			seen[field] = true
			for _, lang := range []string{"zh", "en"} {
				if got := editform.Label(sk.seg, field, i18n.Messages(lang)); got == "" || got == field {
					t.Errorf("%s field %q: %s label %q, want a name", sk.seg, field, lang, got)
				}
			}
		}
		for _, sec := range editform.Specs(sk.seg) {
			for _, spec := range sec.Fields {
				checkSpecLabels(t, sk.seg, spec, append([]editform.FieldSpec{}, spec.Cells...)...)
			}
		}
	}
}

// checkSpecLabels reports a field or cell whose label or legend is missing
// from a catalogue.
func checkSpecLabels(t *testing.T, seg string, spec editform.FieldSpec, cells ...editform.FieldSpec) {
	t.Helper()
	for _, s := range append([]editform.FieldSpec{spec}, cells...) {
		for _, lang := range []string{"zh", "en"} {
			if i18n.Messages(lang)[s.Label] == "" {
				t.Errorf("%s field %q, cell %q: no %s text for label %q", seg, spec.Name, s.Name, lang, s.Label)
			}
		}
	}
}

// notOnPublicPage are the fields the public item pages leave out, and
// why.
var notOnPublicPage = map[string]string{
	// hot only picks the services the home page lists as popular.
	"services.hot": "a ranking flag, shown by the home page's list of popular services",
}

// TestSchemaPublicPages: the public page of an item whose every field
// holds a value of its own shows each value (a responsibility item is
// shown on its power's page); for a yes-or-no field, the page changes
// when the field does.
func TestSchemaPublicPages(t *testing.T) {
	views := newViews()
	kinds := append(slices.Clone(schemaKinds), schemaKinds[0])
	kinds[len(kinds)-1].seg, kinds[len(kinds)-1].item = "departments", func() any { return &lists.Department{} }
	for _, sk := range kinds {
		t.Run(sk.seg, func(t *testing.T) {
			item := sk.item()
			leaves := schematest.Fill(item)
			page := renderPublic(t, views, sk.seg, item, leaves)
			for _, l := range leaves {
				if _, ok := notOnPublicPage[sk.seg+"."+l.Path]; ok {
					continue
				}
				if l.IsBool {
					other := sk.item()
					schematest.Fill(other)
					setLeaf(other, l.Path, false)
					if renderPublic(t, views, sk.seg, other, leaves) == page {
						t.Errorf("%s field %q: the public page is the same whether it is true or false", sk.seg, l.Path)
					}
					continue
				}
				if !strings.Contains(page, l.Text) {
					t.Errorf("%s field %q: the public page does not show its value %q", sk.seg, l.Path, l.Text)
				}
			}
		})
	}
}

// renderPublic renders the public page that shows item, in Chinese, with
// every value of leaves as a department name of its own, so that a code
// shown by its department's name still shows.
func renderPublic(t *testing.T, views *html.Engine, seg string, item any, leaves []schematest.Leaf) string {
	t.Helper()
	p := &page{Lang: "zh", L: i18n.Messages("zh"), Depts: map[string]string{}}
	for _, l := range leaves {
		p.Depts[l.Text] = l.Text
	}
	it := &lists.Item{Status: lists.StatusInForce, Version: 1}
	var name string
	switch x := item.(type) {
	case *lists.PowerItem:
		name, p.Data = "power", fiber.Map{"P": *x, "Item": it}
	case *lists.ServiceItem:
		name, p.Data = "service", fiber.Map{"S": *x, "Item": it}
	case *lists.Department:
		name, p.Data = "department", fiber.Map{"D": *x}
	case *lists.Responsibility:
		name, p.Data = "power", fiber.Map{"P": lists.PowerItem{Code: x.PowerCode}, "Item": it, "Resp": []lists.Responsibility{*x}}
	}
	var buf bytes.Buffer
	if err := views.Render(&buf, name, p); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// laidOutOnPage names only fields the items have.
func TestLaidOutOnPageNamesRealFields(t *testing.T) {
	for kind, keys := range laidOutOnPage {
		for _, k := range keys {
			if _, ok := lists.FieldOf(kind, k); !ok {
				t.Errorf("laidOutOnPage[%s] names %q, which a %s does not have", kind, k, kind)
			}
		}
	}
}

// A field that a public page does not lay out (as a field newly added to
// an item is not) is shown in the page's "other details" block, with its
// label and value.
func TestFieldWithoutPlaceOnPublicPage(t *testing.T) {
	views := newViews()
	for _, c := range []struct {
		seg  string
		kind lists.Kind
		key  string
		item func() any
	}{
		{"powers", lists.KindPower, "office", func() any { return &lists.PowerItem{} }},
		{"services", lists.KindService, "hours", func() any { return &lists.ServiceItem{} }},
		{"departments", lists.KindDepartment, "name_en", func() any { return &lists.Department{} }},
	} {
		f, _ := lists.FieldOf(c.kind, c.key)
		saved := laidOutOnPage[c.kind]
		laidOutOnPage[c.kind] = slices.DeleteFunc(slices.Clone(saved), func(k string) bool { return k == c.key })
		item := c.item()
		leaves := schematest.Fill(item)
		page := renderPublic(t, views, c.seg, item, leaves)
		laidOutOnPage[c.kind] = saved
		var value string
		for _, l := range leaves {
			if l.Path == c.key {
				value = l.Text
			}
		}
		at := strings.Index(page, i18n.Messages("zh")["ef_other"])
		if at < 0 || !strings.Contains(page[at:], "<dt>"+f.ZH+"</dt><dd>"+value+"</dd>") {
			t.Errorf("%s without a place for %s: the other-details block does not show %s = %s", c.seg, c.key, f.ZH, value)
		}
	}
	if rows := otherOnPage("power", lists.PowerItem{Office: "审批科"}, i18n.Messages("en")); len(rows) != 0 {
		t.Errorf("every power field has its place today, got other rows %v", rows)
	}
}
