package lists

import (
	"encoding/json"
	"fmt"
	"strings"

	"qingdan/data/store"
)

// Kind names a list: department, power, responsibility or service.
type Kind string

// The lists.
const (
	KindDepartment     Kind = "department"
	KindPower          Kind = "power"
	KindResponsibility Kind = "responsibility"
	KindService        Kind = "service"
)

// Kinds lists every kind in the order a replay must see them published.
var Kinds = []Kind{KindDepartment, KindPower, KindResponsibility, KindService}

// kindSpec is what the projection needs to know of one list.
type kindSpec struct {
	table string
	// parse decodes an item as any version of the code wrote it (a field
	// absent means its default, an unknown field is refused; see
	// store.DecodeEventData) and returns its code, its department and the
	// projection's columns (besides the common ones). It does not
	// validate: the rules are checked where an item is typed in
	// (parseNew), so that entries written under older rules replay.
	parse func(raw json.RawMessage) (parsed, error)
}

// parsed is a validated item ready for its row.
type parsed struct {
	item    json.RawMessage // the item re-encoded with every field
	code    string
	dept    string // "" for departments
	powerOf string // responsibility: its power; service: the power it implements
	columns map[string]any
	// validate checks the item against today's rules (its Validate).
	validate func() error
}

var kinds = map[Kind]kindSpec{
	KindDepartment:     {table: "departments", parse: parseDepartment},
	KindPower:          {table: "powers", parse: parsePower},
	KindResponsibility: {table: "responsibilities", parse: parseResponsibility},
	KindService:        {table: "services", parse: parseService},
}

func specOf(k Kind) (kindSpec, error) {
	s, ok := kinds[k]
	if !ok {
		return kindSpec{}, fmt.Errorf("%w: unknown list %q", store.ErrInvalid, k)
	}
	return s, nil
}

func parseDepartment(raw json.RawMessage) (parsed, error) {
	var d Department // the defaults of the fields an older entry lacks: all zero
	if err := decodeStrict(raw, &d); err != nil {
		return parsed{}, err
	}
	return parsed{item: mustMarshal(d), validate: d.Validate, code: d.Code, columns: map[string]any{"name": d.Name}}, nil
}

func parsePower(raw json.RawMessage) (parsed, error) {
	var p PowerItem // the defaults of the fields an older entry lacks: all zero
	if err := decodeStrict(raw, &p); err != nil {
		return parsed{}, err
	}
	return parsed{item: mustMarshal(p), validate: p.Validate, code: p.Code, dept: p.Dept, columns: map[string]any{
		"name": p.Name, "category": p.Category, "dept": p.Dept, "search": powerSearch(&p)}}, nil
}

func parseResponsibility(raw json.RawMessage) (parsed, error) {
	var r Responsibility // the defaults of the fields an older entry lacks: all zero
	if err := decodeStrict(raw, &r); err != nil {
		return parsed{}, err
	}
	return parsed{item: mustMarshal(r), validate: r.Validate, code: r.PowerCode, dept: r.Dept, powerOf: r.PowerCode, columns: map[string]any{
		"dept": r.Dept, "search": responsibilitySearch(&r)}}, nil
}

func parseService(raw json.RawMessage) (parsed, error) {
	var s ServiceItem // the defaults of the fields an older entry lacks: all zero
	if err := decodeStrict(raw, &s); err != nil {
		return parsed{}, err
	}
	return parsed{item: mustMarshal(s), validate: s.Validate, code: s.Code, dept: s.Dept, powerOf: s.PowerCode, columns: map[string]any{
		"name": s.Name, "audience": s.Audience, "theme": s.Theme, "hot": s.Hot, "dept": s.Dept,
		"power_code": s.PowerCode, "category": s.Category,
		"search": searchText(s.Name, s.Code, s.Theme)}}, nil
}

// searchText is what free-text search matches: Chinese is matched as a
// plain substring, so no tokenising; ASCII is lower-cased.
func searchText(parts ...string) string {
	return strings.ToLower(strings.Join(parts, "\x1f"))
}

func powerSearch(p *PowerItem) string {
	parts := []string{p.Name, p.Subitem, p.Code}
	for _, b := range p.Basis {
		parts = append(parts, b.Law, b.DocNo, b.Article, b.Text)
	}
	return searchText(parts...)
}

func responsibilitySearch(r *Responsibility) string {
	parts := []string{r.PowerCode, r.AccountabilityBasis}
	for _, s := range r.Stages {
		parts = append(parts, s.Content, s.Basis)
	}
	return searchText(append(parts, r.Accountability...)...)
}

// mustMarshal encodes a validated item; plain structs cannot fail.
func mustMarshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// CategoryName is a power category's name in the page's language.
func CategoryName(code, lang string) string {
	n, ok := CategoryNames[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}
