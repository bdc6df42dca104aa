package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	categories    = []string{"XK", "CF", "QZ", "ZS", "JF", "JC", "QR", "JL", "CJ", "QT"}
	applied       = []string{"XK", "ZS", "JF", "QR", "JL", "CJ", "QT"} // started by an application: 2-5 materials
	natures       = []string{"法定", "授权", "受委托"}
	levelsAll     = []string{"省", "市", "县", "乡镇"}
	audiencesAll  = []string{"individual", "legal_person", "other_org"}
	licenceStages = []string{"受理", "审查", "决定", "送达", "事后监管", "其他"}
	penaltyStages = []string{"立案", "调查取证", "审理", "告知", "决定", "送达", "执行", "其他"}

	deptCodeRe    = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)
	powerCodeRe   = regexp.MustCompile(`^(XK|CF|QZ|ZS|JF|JC|QR|JL|CJ|QT)-([A-Z0-9]+)-[0-9]{3}$`)
	serviceCodeRe = regexp.MustCompile(`^FW-([A-Z0-9]+)-[0-9]{3}$`)
	urlSafeRe     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,36}$`)
	phoneRe       = regexp.MustCompile(`^0576-[0-9]{8}$`)
	lawRe         = regexp.MustCompile(`^《[^《》]+》$`)
)

func load(t *testing.T) *Dataset {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: got error %v, want nil", err)
	}
	return d
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// ---------------------------------------------------------------------------
// per-item checks, reused after every history change

func deptProblems(d Department, depts map[string]bool) []string {
	var p []string
	if !deptCodeRe.MatchString(d.Code) {
		p = append(p, fmt.Sprintf("code got %q, want a lower-case ASCII slug of 2-16 chars", d.Code))
	}
	if d.Name == "" || d.NameEn == "" || d.Duties == "" {
		p = append(p, fmt.Sprintf("name/name_en/duties got %q/%q/%d runes, want all non-empty", d.Name, d.NameEn, utf8.RuneCountInString(d.Duties)))
	}
	if d.Parent != "" && !depts[d.Parent] {
		p = append(p, fmt.Sprintf("parent got %q, want empty or an existing department", d.Parent))
	}
	if n := len(d.Boundaries); n < 1 || n > 2 {
		p = append(p, fmt.Sprintf("boundaries got %d, want 1-2", n))
	}
	for _, b := range d.Boundaries {
		if !depts[b.With] || b.With == d.Code {
			p = append(p, fmt.Sprintf("boundary with got %q, want another existing department", b.With))
		}
		if b.Matter == "" || b.Division == "" {
			p = append(p, fmt.Sprintf("boundary with %q: matter/division got empty, want text", b.With))
		}
	}
	return p
}

func feeProblems(f Fee) []string {
	if f.Charged && (len(f.Items) == 0 || f.Basis == "") {
		return []string{fmt.Sprintf("fee charged with %d items and basis %q, want items and a basis", len(f.Items), f.Basis)}
	}
	if !f.Charged && len(f.Items) != 0 {
		return []string{fmt.Sprintf("fee not charged got %d items, want 0", len(f.Items))}
	}
	return nil
}

func materialProblems(ms []Material, min, max int) []string {
	var p []string
	if len(ms) < min || len(ms) > max {
		p = append(p, fmt.Sprintf("materials got %d, want %d-%d", len(ms), min, max))
	}
	for i, m := range ms {
		if strings.TrimSpace(m.Name) == "" {
			p = append(p, fmt.Sprintf("material %d name got empty, want text", i))
		}
	}
	return p
}

func powerProblems(p Power, depts map[string]bool) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	m := powerCodeRe.FindStringSubmatch(p.Code)
	switch {
	case m == nil || !urlSafeRe.MatchString(p.Code):
		bad("code got %q, want <CAT>-<DEPT>-<NNN>, URL-safe, at most 36 chars", p.Code)
	default:
		if m[1] != p.Category {
			bad("category got %q, want %q (the code prefix)", p.Category, m[1])
		}
		if m[2] != strings.ToUpper(p.Dept) {
			bad("code department segment got %q, want %q", m[2], strings.ToUpper(p.Dept))
		}
	}
	if !depts[p.Dept] {
		bad("dept got %q, want an existing department", p.Dept)
	}
	if p.Name == "" || p.Office == "" || p.Conditions == "" {
		bad("name/office/conditions got %q/%q/%q, want non-empty", p.Name, p.Office, p.Conditions)
	}
	if !slices.Contains(natures, p.Nature) {
		bad("nature got %q, want one of %v", p.Nature, natures)
	}
	if len(p.Basis) == 0 {
		bad("basis got 0 entries, want at least 1")
	}
	for _, b := range p.Basis {
		if !lawRe.MatchString(b.Law) {
			bad("basis law got %q, want a title in 《》", b.Law)
		}
		if b.Article != "" && !strings.HasPrefix(b.Article, "第") {
			bad("basis %s article got %q, want 第…条 or empty", b.Law, b.Article)
		}
	}
	for _, j := range p.Joint {
		if !depts[j] || j == p.Dept {
			bad("joint got %q, want another existing department", j)
		}
	}
	if len(p.Levels) == 0 {
		bad("levels got none, want a subset of %v", levelsAll)
	}
	for _, l := range p.Levels {
		if !slices.Contains(levelsAll, l) {
			bad("level got %q, want one of %v", l, levelsAll)
		}
	}
	if len(p.Audience) == 0 {
		bad("audience got none, want a subset of %v", audiencesAll)
	}
	for _, a := range p.Audience {
		if !slices.Contains(audiencesAll, a) {
			bad("audience got %q, want one of %v", a, audiencesAll)
		}
	}
	if p.LegalLimit < 0 || p.PromisedLimit < 0 || p.PromisedLimit > p.LegalLimit {
		bad("promised_limit got %d, want 0 <= promised_limit <= legal_limit %d", p.PromisedLimit, p.LegalLimit)
	}
	if want := map[bool]string{true: "instant", false: "promised"}[p.PromisedLimit == 0]; p.CaseKind != want {
		bad("case_kind got %q, want %q for promised_limit %d", p.CaseKind, want, p.PromisedLimit)
	}
	if len(p.Steps) == 0 {
		bad("steps got none, want at least one")
	}
	sum := 0
	for _, s := range p.Steps {
		if s.Name == "" || s.Days < 0 {
			bad("step got %q with %d days, want a name and days >= 0", s.Name, s.Days)
		}
		sum += s.Days
	}
	if sum > p.PromisedLimit {
		bad("step days sum got %d, want <= promised_limit %d", sum, p.PromisedLimit)
	}
	if !phoneRe.MatchString(p.ConsultPhone) || !phoneRe.MatchString(p.ComplaintPhone) {
		bad("phones got %q/%q, want 0576-NNNNNNNN", p.ConsultPhone, p.ComplaintPhone)
	}
	if p.ConsultPhone == p.ComplaintPhone {
		bad("complaint_phone got %q, want different from consult_phone", p.ComplaintPhone)
	}
	if !validDate(p.EffectiveFrom) {
		bad("effective_from got %q, want YYYY-MM-DD", p.EffectiveFrom)
	}
	out = append(out, feeProblems(p.Fee)...)
	if slices.Contains(applied, p.Category) {
		out = append(out, materialProblems(p.Materials, 2, 5)...)
	} else {
		out = append(out, materialProblems(p.Materials, 0, 5)...)
	}
	if p.Category == "CF" && p.PenaltyScope == "" {
		bad("penalty_scope got empty, want the conduct, kinds and range of penalties")
	}
	if p.Category != "CF" && p.PenaltyScope != "" {
		bad("penalty_scope got %q, want empty for category %s", p.PenaltyScope, p.Category)
	}
	return out
}

func responsibilityProblems(r Responsibility, powers map[string]Power) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	p, ok := powers[r.PowerCode]
	if !ok {
		return []string{fmt.Sprintf("power_code got %q, want an existing power", r.PowerCode)}
	}
	if r.Dept != p.Dept {
		bad("dept got %q, want %q (the power's)", r.Dept, p.Dept)
	}
	want := licenceStages
	if p.Category == "CF" {
		want = penaltyStages
	}
	var got []string
	for _, s := range r.Stages {
		got = append(got, s.Stage)
		if s.Content == "" || s.Basis == "" {
			bad("stage %s content/basis got empty, want text", s.Stage)
		}
	}
	if !slices.Equal(got, want) {
		bad("stages got %v, want %v", got, want)
	}
	if n := len(r.Accountability); n < 3 || n > 6 {
		bad("accountability got %d 追责情形, want 3-6", n)
	}
	if r.AccountabilityBasis == "" || r.SupervisionPhone == "" {
		bad("accountability_basis/supervision_phone got %q/%q, want non-empty", r.AccountabilityBasis, r.SupervisionPhone)
	}
	return out
}

func serviceProblems(s Service, depts map[string]bool, powers map[string]Power) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	m := serviceCodeRe.FindStringSubmatch(s.Code)
	if m == nil || !urlSafeRe.MatchString(s.Code) {
		bad("code got %q, want FW-<DEPT>-<NNN>", s.Code)
	} else if m[1] != strings.ToUpper(s.Dept) {
		bad("code department segment got %q, want %q", m[1], strings.ToUpper(s.Dept))
	}
	if !depts[s.Dept] {
		bad("dept got %q, want an existing department", s.Dept)
	}
	if s.Audience != "individual" && s.Audience != "legal_person" {
		bad("audience got %q, want individual or legal_person", s.Audience)
	}
	if s.Name == "" || s.Theme == "" || s.Location == "" || s.Hours == "" || s.ConsultPhone == "" {
		bad("name/theme/location/hours/consult_phone got an empty value, want all non-empty")
	}
	if s.OnlineDepth < 1 || s.OnlineDepth > 4 {
		bad("online_depth got %d, want 1-4", s.OnlineDepth)
	}
	if s.Visits < 0 || s.Visits > 3 {
		bad("visits got %d, want 0-3", s.Visits)
	}
	if s.LegalLimit < 0 || s.PromisedLimit < 0 || s.PromisedLimit > s.LegalLimit {
		bad("promised_limit got %d, want 0 <= promised_limit <= legal_limit %d", s.PromisedLimit, s.LegalLimit)
	}
	if s.PowerCode == "" {
		if s.Category != "GG" {
			bad("category got %q, want GG for a service without power_code", s.Category)
		}
	} else if p, ok := powers[s.PowerCode]; !ok {
		bad("power_code got %q, want an existing power", s.PowerCode)
	} else {
		if p.Dept != s.Dept {
			bad("dept got %q, want %q (the power's)", s.Dept, p.Dept)
		}
		if p.Category != s.Category {
			bad("category got %q, want %q (the power's)", s.Category, p.Category)
		}
		// The service catalogue has two audiences; "legal_person" also
		// serves the power's "other_org" (社会组织, 事业单位).
		if !slices.Contains(p.Audience, s.Audience) && (s.Audience != "legal_person" || !slices.Contains(p.Audience, "other_org")) {
			bad("audience got %q, want one matching the power's %v", s.Audience, p.Audience)
		}
	}
	out = append(out, feeProblems(s.Fee)...)
	out = append(out, materialProblems(s.Materials, 1, 6)...)
	return out
}

// ---------------------------------------------------------------------------
// tests of the initial publication

func TestLoadStrict(t *testing.T) {
	d := load(t)
	if d.InitialBasisDoc == "" {
		t.Errorf("initial_basis_doc got empty, want a document number")
	}
	if !validDate(d.InitialEffectiveFrom) {
		t.Errorf("initial_effective_from got %q, want YYYY-MM-DD", d.InitialEffectiveFrom)
	}
	// An unknown field anywhere must be refused.
	bad := bytes.Replace(County(), []byte(`"subitem"`), []byte(`"sub_item"`), 1)
	if _, err := Decode(bad); err == nil {
		t.Errorf("Decode with an unknown field: got nil error, want an error")
	}
	if _, err := Decode(append(slices.Clone(County()), []byte(`{}`)...)); err == nil {
		t.Errorf("Decode with trailing data: got nil error, want an error")
	}
}

func TestDepartments(t *testing.T) {
	d := load(t)
	if n := len(d.Departments); n < 12 {
		t.Errorf("departments got %d, want >= 12", n)
	}
	depts := map[string]bool{}
	for _, x := range d.Departments {
		if depts[x.Code] {
			t.Errorf("department code %q got twice, want unique", x.Code)
		}
		depts[x.Code] = true
	}
	if !depts["bianban"] {
		t.Errorf("department bianban (县委编办) got missing, want present")
	}
	for _, x := range d.Departments {
		for _, p := range deptProblems(x, depts) {
			t.Errorf("department %s: %s", x.Code, p)
		}
	}
}

func TestPowers(t *testing.T) {
	d := load(t)
	depts := deptSet(d)
	if n := len(d.Powers); n < 160 {
		t.Errorf("powers got %d, want >= 160", n)
	}
	seen := map[string]bool{}
	count := map[string]int{}
	perDept := map[string]int{}
	for _, p := range d.Powers {
		if seen[p.Code] {
			t.Errorf("power code %q got twice, want unique", p.Code)
		}
		seen[p.Code] = true
		count[p.Category]++
		perDept[p.Dept]++
		if p.EffectiveFrom != d.InitialEffectiveFrom {
			t.Errorf("power %s: effective_from got %s, want %s (the initial publication)", p.Code, p.EffectiveFrom, d.InitialEffectiveFrom)
		}
		for _, msg := range powerProblems(p, depts) {
			t.Errorf("power %s: %s", p.Code, msg)
		}
	}
	for _, c := range categories {
		if count[c] < 5 {
			t.Errorf("category %s got %d powers, want >= 5", c, count[c])
		}
	}
	for _, c := range categories[2:] {
		if count[c] > count["XK"] || count[c] > count["CF"] {
			t.Errorf("category %s got %d powers, want fewer than XK (%d) and CF (%d)", c, count[c], count["XK"], count["CF"])
		}
	}
	for code := range depts {
		if perDept[code] == 0 {
			t.Errorf("department %s got 0 powers, want at least 1", code)
		}
	}
	t.Logf("powers per category: %v", count)
	t.Logf("powers per department: %v", perDept)
}

func TestResponsibilities(t *testing.T) {
	d := load(t)
	powers := powerMap(d)
	per := map[string]int{}
	for _, r := range d.Responsibilities {
		per[r.PowerCode]++
		for _, msg := range responsibilityProblems(r, powers) {
			t.Errorf("responsibility %s: %s", r.PowerCode, msg)
		}
	}
	for _, p := range d.Powers {
		if per[p.Code] != 1 {
			t.Errorf("power %s: responsibilities got %d, want exactly 1", p.Code, per[p.Code])
		}
	}
	if len(d.Responsibilities) != len(d.Powers) {
		t.Errorf("responsibilities got %d, want %d (one per power)", len(d.Responsibilities), len(d.Powers))
	}
}

func TestServices(t *testing.T) {
	d := load(t)
	depts, powers := deptSet(d), powerMap(d)
	if n := len(d.Services); n < 70 {
		t.Errorf("services got %d, want >= 70", n)
	}
	seen := map[string]bool{}
	var individual, legal, hot, pure int
	for _, s := range d.Services {
		if seen[s.Code] {
			t.Errorf("service code %q got twice, want unique", s.Code)
		}
		seen[s.Code] = true
		switch s.Audience {
		case "individual":
			individual++
		case "legal_person":
			legal++
		}
		if s.Hot {
			hot++
		}
		if s.PowerCode == "" {
			pure++
		}
		for _, msg := range serviceProblems(s, depts, powers) {
			t.Errorf("service %s: %s", s.Code, msg)
		}
	}
	if individual < 30 {
		t.Errorf("individual services got %d, want >= 30", individual)
	}
	if legal < 30 {
		t.Errorf("legal_person services got %d, want >= 30", legal)
	}
	if hot < 12 {
		t.Errorf("hot services got %d, want >= 12", hot)
	}
	if pure < 10 {
		t.Errorf("pure public services (GG) got %d, want >= 10", pure)
	}
	if linked := len(d.Services) - pure; linked <= pure {
		t.Errorf("services implementing a power got %d, want more than the %d pure public services", linked, pure)
	}
}

// ---------------------------------------------------------------------------
// history

// state is the dataset as of some point in the history.
type state struct {
	depts    map[string]Department
	powers   map[string]Power
	resps    map[string]Responsibility
	services map[string]Service
	repealed map[string]bool // kind + ":" + code
}

func newState(d *Dataset) *state {
	s := &state{depts: map[string]Department{}, powers: map[string]Power{}, resps: map[string]Responsibility{},
		services: map[string]Service{}, repealed: map[string]bool{}}
	for _, x := range d.Departments {
		s.depts[x.Code] = x
	}
	for _, x := range d.Powers {
		s.powers[x.Code] = x
	}
	for _, x := range d.Responsibilities {
		s.resps[x.PowerCode] = x
	}
	for _, x := range d.Services {
		s.services[x.Code] = x
	}
	return s
}

// amend overlays changes on item's JSON and decodes the result strictly
// into out, so that a change may only name fields of the schema.
func amend(item any, changes map[string]json.RawMessage, out any) error {
	raw, err := json.Marshal(item)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k, v := range changes {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("changed field %q: got unknown, want a field of the schema", k)
		}
		m[k] = v
	}
	raw, err = json.Marshal(m)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

var identity = map[string][]string{
	"power":          {"code", "category", "dept"},
	"service":        {"code", "dept"},
	"responsibility": {"power_code", "dept"},
	"department":     {"code"},
}

func (s *state) exists(kind, code string) bool {
	switch kind {
	case "power":
		_, ok := s.powers[code]
		return ok
	case "service":
		_, ok := s.services[code]
		return ok
	case "responsibility":
		_, ok := s.resps[code]
		return ok
	case "department":
		_, ok := s.depts[code]
		return ok
	}
	return false
}

// apply applies one change and returns the problems of the amended item.
func (s *state) apply(c Change) ([]string, error) {
	key := c.Kind + ":" + c.Code
	if s.repealed[key] {
		return nil, fmt.Errorf("got a change after its repeal, want none")
	}
	if c.Action == "repeal" {
		s.repealed[key] = true
		return nil, nil
	}
	for _, f := range identity[c.Kind] {
		if _, ok := c.Changes[f]; ok {
			return nil, fmt.Errorf("changed field %q: got changed, want identity fields unchanged", f)
		}
	}
	depts := map[string]bool{}
	for k := range s.depts {
		depts[k] = true
	}
	switch c.Kind {
	case "power":
		var p Power
		if err := amend(s.powers[c.Code], c.Changes, &p); err != nil {
			return nil, err
		}
		s.powers[c.Code] = p
		return powerProblems(p, depts), nil
	case "service":
		var x Service
		if err := amend(s.services[c.Code], c.Changes, &x); err != nil {
			return nil, err
		}
		s.services[c.Code] = x
		return serviceProblems(x, depts, s.powers), nil
	case "responsibility":
		var r Responsibility
		if err := amend(s.resps[c.Code], c.Changes, &r); err != nil {
			return nil, err
		}
		s.resps[c.Code] = r
		return responsibilityProblems(r, s.powers), nil
	case "department":
		var x Department
		if err := amend(s.depts[c.Code], c.Changes, &x); err != nil {
			return nil, err
		}
		s.depts[c.Code] = x
		return deptProblems(x, depts), nil
	}
	return nil, fmt.Errorf("kind got %q, want power, service, responsibility or department", c.Kind)
}

func TestHistory(t *testing.T) {
	d := load(t)
	if n := len(d.History); n < 12 {
		t.Errorf("history got %d changes, want >= 12", n)
	}
	s := newState(d)
	prev := d.InitialEffectiveFrom
	amends := map[string]int{}
	var powerRepeals, shortened, fewerMaterials, feeCancelled int
	for i, c := range d.History {
		where := fmt.Sprintf("history[%d] %s %s %s", i, c.Action, c.Kind, c.Code)
		if !s.exists(c.Kind, c.Code) {
			t.Errorf("%s: code got unknown, want an existing %s", where, c.Kind)
			continue
		}
		switch c.Action {
		case "amend":
			if len(c.Changes) == 0 {
				t.Errorf("%s: changes got none, want at least one field", where)
			}
		case "repeal":
			if c.Changes != nil {
				t.Errorf("%s: changes got %d fields, want none for a repeal", where, len(c.Changes))
			}
		default:
			t.Errorf("%s: action got %q, want amend or repeal", where, c.Action)
			continue
		}
		if c.BasisDoc == "" || c.ChangeNote == "" {
			t.Errorf("%s: basis_doc/change_note got %q/%q, want both", where, c.BasisDoc, c.ChangeNote)
		}
		if !validDate(c.EffectiveFrom) || c.EffectiveFrom <= d.InitialEffectiveFrom || c.EffectiveFrom < prev {
			t.Errorf("%s: effective_from got %q, want a date after %s and not before %s", where, c.EffectiveFrom, d.InitialEffectiveFrom, prev)
		}
		prev = max(prev, c.EffectiveFrom)

		var before Power
		var beforeSvc Service
		if c.Kind == "power" {
			before = s.powers[c.Code]
		}
		if c.Kind == "service" {
			beforeSvc = s.services[c.Code]
		}
		problems, err := s.apply(c)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		for _, msg := range problems {
			t.Errorf("%s: after the change: %s", where, msg)
		}
		switch {
		case c.Kind == "power" && c.Action == "repeal":
			powerRepeals++
		case c.Kind == "power":
			amends[c.Code]++
			after := s.powers[c.Code]
			if after.PromisedLimit < before.PromisedLimit {
				shortened++
			}
			if len(requiredNames(after.Materials)) < len(requiredNames(before.Materials)) {
				fewerMaterials++
			}
			if before.Fee.Charged && !after.Fee.Charged {
				feeCancelled++
			}
		case c.Kind == "service" && c.Action == "amend":
			if beforeSvc.Fee.Charged && !s.services[c.Code].Fee.Charged {
				feeCancelled++
			}
		}
	}
	if powerRepeals < 2 {
		t.Errorf("power repeals got %d, want >= 2", powerRepeals)
	}
	twice := 0
	for _, n := range amends {
		if n >= 2 {
			twice++
		}
	}
	if twice == 0 {
		t.Errorf("powers amended twice got none, want at least one")
	}
	if shortened == 0 {
		t.Errorf("changes shortening a promised limit got 0, want >= 1")
	}
	if fewerMaterials == 0 {
		t.Errorf("changes reducing required materials got 0, want >= 1")
	}
	if feeCancelled == 0 {
		t.Errorf("changes cancelling a fee got 0, want >= 1")
	}

	// Final state: a repealed power leaves no live responsibility or service.
	for code := range s.powers {
		gone := s.repealed["power:"+code]
		if gone != s.repealed["responsibility:"+code] {
			t.Errorf("power %s: repealed got %v, want its responsibility repealed too (got %v)", code, gone, s.repealed["responsibility:"+code])
		}
		if !gone {
			continue
		}
		for _, x := range s.services {
			if x.PowerCode == code && !s.repealed["service:"+x.Code] {
				t.Errorf("service %s: power_code got repealed %s, want a live power", x.Code, code)
			}
		}
	}
}

func requiredNames(ms []Material) []string {
	var out []string
	for _, m := range ms {
		if m.Required {
			out = append(out, m.Name)
		}
	}
	return out
}

func deptSet(d *Dataset) map[string]bool {
	m := map[string]bool{}
	for _, x := range d.Departments {
		m[x.Code] = true
	}
	return m
}

func powerMap(d *Dataset) map[string]Power {
	m := map[string]Power{}
	for _, x := range d.Powers {
		m[x.Code] = x
	}
	return m
}
