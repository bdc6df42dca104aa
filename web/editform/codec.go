package editform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"qingdan/data/lists"
)

// rowName names one cell of a repeated row ("materials.2.name"), or the
// row itself for a list of strings ("accountability.0").
func rowName(group string, i int, cell string) string {
	if cell == "" {
		return group + "." + strconv.Itoa(i)
	}
	return group + "." + strconv.Itoa(i) + "." + cell
}

// maxRows bounds the row numbers a form may use.
const maxRows = 500

// RowsIn lists the row numbers of a repeated group present in v, in order.
func RowsIn(v url.Values, group string) []int {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, group+".")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < maxRows {
			seen[i] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// formReader reads an item's form, collecting the values that cannot be
// read (a number that is not a whole number) as field errors.
type formReader struct {
	v      url.Values
	errs   map[string]string
	notInt string // the message for a value that is not a whole number
}

// text is a one-line value without surrounding space.
func (r *formReader) text(name string) string { return strings.TrimSpace(r.v.Get(name)) }

// long is a multi-line value: browsers send CRLF line ends, the lists
// keep LF.
func (r *formReader) long(name string) string {
	return strings.TrimSpace(strings.ReplaceAll(r.v.Get(name), "\r\n", "\n"))
}

func (r *formReader) flag(name string) bool {
	switch r.v.Get(name) {
	case "on", "true", "1":
		return true
	}
	return false
}

// num reads a whole number; empty is 0. A bad value is an error of field.
func (r *formReader) num(name, field string) int {
	s := r.text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if _, dup := r.errs[field]; !dup {
			r.errs[field] = r.notInt
		}
	}
	return n
}

// checks reads a group of checkboxes in the order of known (the order
// the form shows them), then any others in alphabetical order, so that
// the order of the browser's post never reads as a change.
func (r *formReader) checks(name string, known []string) []string {
	out := []string{}
	for _, s := range r.v[name] {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	rank := func(s string) int {
		if i := slices.Index(known, s); i >= 0 {
			return i
		}
		return len(known)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return out
}

// strs reads a repeated group of one text each, skipping empty rows.
func (r *formReader) strs(group string) []string {
	out := []string{}
	for _, i := range RowsIn(r.v, group) {
		if s := r.long(rowName(group, i, "")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *formReader) materials() []lists.Material {
	out := []lists.Material{}
	for _, i := range RowsIn(r.v, "materials") {
		m := lists.Material{Name: r.text(rowName("materials", i, "name")), Required: r.flag(rowName("materials", i, "required"))}
		if m.Name != "" {
			out = append(out, m)
		}
	}
	return out
}

func (r *formReader) fee() lists.Fee {
	return lists.Fee{Charged: r.flag("fee.charged"), Basis: r.long("fee.basis"), Items: r.strs("fee.items")}
}

func (r *formReader) basis() []lists.Basis {
	out := []lists.Basis{}
	for _, i := range RowsIn(r.v, "basis") {
		b := lists.Basis{Law: r.text(rowName("basis", i, "law")), DocNo: r.text(rowName("basis", i, "doc_no")),
			Article: r.text(rowName("basis", i, "article")), Text: r.long(rowName("basis", i, "text"))}
		if b != (lists.Basis{}) {
			out = append(out, b)
		}
	}
	return out
}

func (r *formReader) steps() []lists.Step {
	out := []lists.Step{}
	for _, i := range RowsIn(r.v, "steps") {
		name, days := r.text(rowName("steps", i, "name")), r.text(rowName("steps", i, "days"))
		if name != "" || days != "" {
			out = append(out, lists.Step{Name: name, Days: r.num(rowName("steps", i, "days"), "steps")})
		}
	}
	return out
}

func (r *formReader) stages() []lists.Stage {
	out := []lists.Stage{}
	for _, i := range RowsIn(r.v, "stages") {
		s := lists.Stage{Stage: r.text(rowName("stages", i, "stage")), Content: r.long(rowName("stages", i, "content")),
			Basis: r.text(rowName("stages", i, "basis"))}
		if s != (lists.Stage{}) {
			out = append(out, s)
		}
	}
	return out
}

// choiceValues lists the values of a set of fixed choices, in the order
// the form shows them.
func choiceValues(set string) []string {
	var out []string
	for _, c := range ChoiceSets[set] {
		out = append(out, c.Value)
	}
	return out
}

// FromForm reads the item of kind k from its form. The field errors
// are the values that could not be read; the item still holds the rest,
// so validation can report on it too.
func FromForm(k lists.Kind, v url.Values, notInt string) (any, map[string]string) {
	r := &formReader{v: v, errs: map[string]string{}, notInt: notInt}
	var item any
	switch k {
	case lists.KindPower:
		item = powerFromForm(r)
	case lists.KindService:
		item = serviceFromForm(r)
	case lists.KindResponsibility:
		item = responsibilityFromForm(r)
	default:
		panic(fmt.Sprintf("web: no form for list %q", k))
	}
	readOther(r, item, otherFields(segOf(k), Specs(segOf(k))))
	return item, r.errs
}

func powerFromForm(r *formReader) *lists.PowerItem {
	return &lists.PowerItem{Code: r.text("code"), Name: r.text("name"), Subitem: r.text("subitem"),
		Category: r.text("category"), Basis: r.basis(), Dept: Dept(r.v), Nature: r.text("nature"),
		Office: r.text("office"), Joint: r.checks("joint", nil), Levels: r.checks("levels", choiceValues("levels")),
		Audience: r.checks("audience", choiceValues("power_audience")), LegalLimit: r.num("legal_limit", "legal_limit"),
		PromisedLimit: r.num("promised_limit", "promised_limit"), CaseKind: r.text("case_kind"), Fee: r.fee(),
		Conditions: r.long("conditions"), Materials: r.materials(), Steps: r.steps(),
		ConsultPhone: r.text("consult_phone"), ComplaintPhone: r.text("complaint_phone"),
		EffectiveFrom: r.text("effective_from"), PenaltyScope: r.long("penalty_scope"), IntegrityRisks: r.strs("integrity_risks")}
}

func serviceFromForm(r *formReader) *lists.ServiceItem {
	return &lists.ServiceItem{Code: r.text("code"), Name: r.text("name"), Audience: r.text("audience"),
		Theme: r.text("theme"), Hot: r.flag("hot"), OnlineDepth: r.num("online_depth", "online_depth"),
		Visits: r.num("visits", "visits"), Dept: Dept(r.v), PowerCode: r.text("power_code"),
		Category: r.text("category"), Materials: r.materials(), Fee: r.fee(),
		LegalLimit: r.num("legal_limit", "legal_limit"), PromisedLimit: r.num("promised_limit", "promised_limit"),
		Location: r.text("location"), Hours: r.text("hours"), ConsultPhone: r.text("consult_phone")}
}

func responsibilityFromForm(r *formReader) *lists.Responsibility {
	return &lists.Responsibility{PowerCode: r.text("power_code"), Dept: Dept(r.v), Stages: r.stages(),
		Accountability: r.strs("accountability"), AccountabilityBasis: r.long("accountability_basis"),
		SupervisionPhone: r.text("supervision_phone")}
}

// ToForm gives the form values of a listed item (its JSON as the
// ledger recorded it).
func ToForm(k lists.Kind, raw json.RawMessage) (url.Values, error) {
	v := url.Values{}
	var item any
	var toForm func()
	switch k {
	case lists.KindPower:
		p := &lists.PowerItem{}
		item, toForm = p, func() { powerToForm(v, p) }
	case lists.KindService:
		sv := &lists.ServiceItem{}
		item, toForm = sv, func() { serviceToForm(v, sv) }
	case lists.KindResponsibility:
		r := &lists.Responsibility{}
		item, toForm = r, func() { responsibilityToForm(v, r) }
	default:
		return nil, fmt.Errorf("web: no form for list %q", k)
	}
	if err := json.Unmarshal(raw, item); err != nil {
		return nil, fmt.Errorf("web: the form of a %s: %w", k, err)
	}
	toForm()
	writeOther(v, item, otherFields(segOf(k), Specs(segOf(k))))
	return v, nil
}

func setInt(v url.Values, name string, n int) { v.Set(name, strconv.Itoa(n)) }

func setFlag(v url.Values, name string, b bool) {
	if b {
		v.Set(name, "on")
	}
}

func setStrs(v url.Values, group string, xs []string) {
	for i, s := range xs {
		v.Set(rowName(group, i, ""), s)
	}
}

func setMaterials(v url.Values, ms []lists.Material) {
	for i, m := range ms {
		v.Set(rowName("materials", i, "name"), m.Name)
		setFlag(v, rowName("materials", i, "required"), m.Required)
	}
}

func setFee(v url.Values, f lists.Fee) {
	setFlag(v, "fee.charged", f.Charged)
	v.Set("fee.basis", f.Basis)
	setStrs(v, "fee.items", f.Items)
}

func powerToForm(v url.Values, p *lists.PowerItem) {
	for k, s := range map[string]string{"code": p.Code, "name": p.Name, "subitem": p.Subitem, "category": p.Category,
		"dept": p.Dept, "nature": p.Nature, "office": p.Office, "case_kind": p.CaseKind, "conditions": p.Conditions,
		"consult_phone": p.ConsultPhone, "complaint_phone": p.ComplaintPhone, "effective_from": p.EffectiveFrom,
		"penalty_scope": p.PenaltyScope} {
		v.Set(k, s)
	}
	v["joint"], v["levels"], v["audience"] = slices.Clone(p.Joint), slices.Clone(p.Levels), slices.Clone(p.Audience)
	setInt(v, "legal_limit", p.LegalLimit)
	setInt(v, "promised_limit", p.PromisedLimit)
	setFee(v, p.Fee)
	setMaterials(v, p.Materials)
	setStrs(v, "integrity_risks", p.IntegrityRisks)
	for i, b := range p.Basis {
		v.Set(rowName("basis", i, "law"), b.Law)
		v.Set(rowName("basis", i, "doc_no"), b.DocNo)
		v.Set(rowName("basis", i, "article"), b.Article)
		v.Set(rowName("basis", i, "text"), b.Text)
	}
	for i, s := range p.Steps {
		v.Set(rowName("steps", i, "name"), s.Name)
		setInt(v, rowName("steps", i, "days"), s.Days)
	}
}

func serviceToForm(v url.Values, s *lists.ServiceItem) {
	for k, x := range map[string]string{"code": s.Code, "name": s.Name, "audience": s.Audience, "theme": s.Theme,
		"dept": s.Dept, "power_code": s.PowerCode, "category": s.Category, "location": s.Location, "hours": s.Hours,
		"consult_phone": s.ConsultPhone} {
		v.Set(k, x)
	}
	setFlag(v, "hot", s.Hot)
	setInt(v, "online_depth", s.OnlineDepth)
	setInt(v, "visits", s.Visits)
	setInt(v, "legal_limit", s.LegalLimit)
	setInt(v, "promised_limit", s.PromisedLimit)
	setMaterials(v, s.Materials)
	setFee(v, s.Fee)
}

func responsibilityToForm(v url.Values, r *lists.Responsibility) {
	v.Set("power_code", r.PowerCode)
	v.Set("dept", r.Dept)
	v.Set("accountability_basis", r.AccountabilityBasis)
	v.Set("supervision_phone", r.SupervisionPhone)
	setStrs(v, "accountability", r.Accountability)
	for i, s := range r.Stages {
		v.Set(rowName("stages", i, "stage"), s.Stage)
		v.Set(rowName("stages", i, "content"), s.Content)
		v.Set(rowName("stages", i, "basis"), s.Basis)
	}
}

// Fields is an item's top-level fields as JSON.
func Fields(item any) map[string]json.RawMessage {
	b, _ := json.Marshal(item)
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	return m
}

// Changes compares a listed item with what its form now holds. A
// field counts as changed only if it differs from the item as the form
// shows it (so whitespace the form trims, or null read as an empty list,
// is no change); Before shows the value as listed.
func Changes(k lists.Kind, listed json.RawMessage, after any) ([]lists.FieldChange, error) {
	shown, err := ToForm(k, listed)
	if err != nil {
		return nil, err
	}
	normal, _ := FromForm(k, shown, "")
	var stored map[string]json.RawMessage
	if err := json.Unmarshal(listed, &stored); err != nil {
		return nil, fmt.Errorf("web: a listed %s: %w", k, err)
	}
	changes := Diff(Fields(normal), Fields(after))
	for i := range changes {
		changes[i].Before = stored[changes[i].Field]
	}
	return changes, nil
}

// Dept is the department an item form names: the one the route's guard
// authorises and the one the item is saved with.
func Dept(v url.Values) string { return strings.TrimSpace(v.Get("dept")) }

// CodeField is the form field that holds the code of an item of the list
// seg (a responsibility item is known by its power's code).
func CodeField(seg string) string {
	if seg == "responsibilities" {
		return "power_code"
	}
	return "code"
}

// Diff lists the top-level fields that differ between two items.
func Diff(before, after map[string]json.RawMessage) []lists.FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []lists.FieldChange
	for k := range keys {
		if !bytes.Equal(compactJSON(before[k]), compactJSON(after[k])) {
			out = append(out, lists.FieldChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func compactJSON(v json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}
