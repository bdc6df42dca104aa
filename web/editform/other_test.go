package editform

import (
	"net/url"
	"slices"
	"testing"

	"qingdan/data/lists"
	"qingdan/web/i18n"
)

// without is the form specs with the field key laid out nowhere, as a
// field newly added to an item is.
func without(specs []Section, key string) []Section {
	var out []Section
	for _, sec := range specs {
		sec.Fields = slices.DeleteFunc(slices.Clone(sec.Fields), func(f FieldSpec) bool { return f.Name == key })
		out = append(out, sec)
	}
	return out
}

// Today every field of every form has its place.
func TestEveryFieldIsLaidOut(t *testing.T) {
	for seg := range kindOf {
		if other := otherFields(seg, Specs(seg)); len(other) > 0 {
			t.Errorf("%s: fields laid out by no section: %v", seg, other)
		}
	}
}

// A field that no section lays out gets a control by its type, labelled
// with its own name, and the codec reads and writes it.
func TestFieldWithoutPlaceIsShownAndRead(t *testing.T) {
	cases := []struct {
		seg, key, control string
		item              func() any
		set               func(any)
		same              func(a, b any) bool
	}{
		{"powers", "office", "text", func() any { return &lists.PowerItem{} },
			func(x any) { x.(*lists.PowerItem).Office = "审批科" },
			func(a, b any) bool { return a.(*lists.PowerItem).Office == b.(*lists.PowerItem).Office }},
		{"powers", "legal_limit", "number", func() any { return &lists.PowerItem{} },
			func(x any) { x.(*lists.PowerItem).LegalLimit = 20 },
			func(a, b any) bool { return a.(*lists.PowerItem).LegalLimit == b.(*lists.PowerItem).LegalLimit }},
		{"powers", "joint", "rows", func() any { return &lists.PowerItem{} },
			func(x any) { x.(*lists.PowerItem).Joint = []string{"gaj", "zjj"} },
			func(a, b any) bool { return slices.Equal(a.(*lists.PowerItem).Joint, b.(*lists.PowerItem).Joint) }},
		{"services", "hot", "check", func() any { return &lists.ServiceItem{} },
			func(x any) { x.(*lists.ServiceItem).Hot = true },
			func(a, b any) bool { return a.(*lists.ServiceItem).Hot == b.(*lists.ServiceItem).Hot }},
	}
	for _, c := range cases {
		others := otherFields(c.seg, without(Specs(c.seg), c.key))
		if len(others) != 1 || others[0].Key != c.key {
			t.Fatalf("%s without %s: other fields %v", c.seg, c.key, others)
		}
		want, _ := lists.FieldOf(kindOf[c.seg], c.key)
		sec := otherSection(kindOf[c.seg], others)
		if sec == nil || len(sec.Fields) != 1 || sec.Fields[0].Type != c.control || i18n.Messages("zh")[sec.Fields[0].Label] != want.ZH {
			t.Fatalf("%s %s: section %+v, want a %s control labelled %s", c.seg, c.key, sec, c.control, want.ZH)
		}
		if en := i18n.Messages("en")[sec.Fields[0].Label]; en != want.EN {
			t.Errorf("%s %s: English label %q, want %q", c.seg, c.key, en, want.EN)
		}
		orig := c.item()
		c.set(orig)
		v := url.Values{}
		writeOther(v, orig, others)
		back := c.item()
		r := &formReader{v: v, errs: map[string]string{}, notInt: "whole number"}
		readOther(r, back, others)
		if !c.same(orig, back) || len(r.errs) > 0 {
			t.Errorf("%s %s: %v → %v → %+v (errors %v)", c.seg, c.key, orig, v, back, r.errs)
		}
	}
	r := &formReader{v: url.Values{"legal_limit": {"二十"}}, errs: map[string]string{}, notInt: "whole number"}
	readOther(r, &lists.PowerItem{}, otherFields("powers", without(Specs("powers"), "legal_limit")))
	if r.errs["legal_limit"] == "" {
		t.Error("a number field without a place took 二十 without an error")
	}
}
