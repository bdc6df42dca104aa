package web

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"qingdan/data/lists"
	"qingdan/web/i18n"
)

// laidOutOnPage are the fields each public item page lays out by hand
// (power.html, service.html, department.html; a responsibility on its
// power's page), or leaves out on purpose (a service's hot flag only
// ranks the home page's popular services). Any other simple field of an
// item — one newly added to it with its label — is shown by the page's
// "other details" block (otherOnPage), so that no field of a published
// item is hidden from the public.
var laidOutOnPage = map[lists.Kind][]string{
	lists.KindDepartment: {"code", "name", "name_en", "parent", "duties", "boundaries"},
	lists.KindPower: {"code", "name", "subitem", "category", "basis", "dept", "nature", "office", "joint", "levels",
		"audience", "legal_limit", "promised_limit", "case_kind", "fee", "conditions", "materials", "steps",
		"consult_phone", "complaint_phone", "effective_from", "penalty_scope", "integrity_risks"},
	lists.KindResponsibility: {"power_code", "dept", "stages", "accountability", "accountability_basis", "supervision_phone"},
	lists.KindService: {"code", "name", "audience", "theme", "hot", "online_depth", "visits", "dept", "power_code",
		"category", "materials", "fee", "legal_limit", "promised_limit", "location", "hours", "consult_phone"},
}

// otherRow is one field of the "other details" block.
type otherRow struct{ Label, Value string }

// otherOnPage lists the simple fields of item (an item struct of kind, or
// a pointer to one) that its page does not lay out, with their labels in
// the page's language (l its catalogue) and their values as text; empty
// values are left out.
func otherOnPage(kind string, item any, l map[string]string) []otherRow {
	var out []otherRow
	for _, f := range lists.Fields(lists.Kind(kind)) {
		if !f.Simple() || slices.Contains(laidOutOnPage[lists.Kind(kind)], f.Key) {
			continue
		}
		if v := fieldText(f.Value(item), l); v != "" {
			out = append(out, otherRow{l[i18n.FieldKey(lists.Kind(kind), f.Key)], v})
		}
	}
	return out
}

// fieldText is a simple field's value as text: a yes-or-no as the
// catalogue's yes or no, a list of texts joined.
func fieldText(v reflect.Value, l map[string]string) string {
	switch v.Kind() {
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Bool:
		return l[map[bool]string{true: "yes", false: "no"}[v.Bool()]]
	case reflect.Slice:
		return strings.Join(lists.Texts(v), "、")
	}
	return v.String()
}
