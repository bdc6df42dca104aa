package data

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"time"
)

var itemCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$`)
var deptCode = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,15}$`)

// decodeStrict decodes an item, refusing unknown fields.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &ValidationError{Fields: map[string]string{"item": err.Error()}}
	}
	return nil
}

func checkDate(f fieldErrors, field, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		f.add(field, "must be a date like 2026-01-31")
	}
}

func checkLimits(f fieldErrors, legal, promised int) {
	if legal < 0 {
		f.add("legal_limit", "must not be negative")
	}
	if promised < 0 {
		f.add("promised_limit", "must not be negative")
	}
	if legal > 0 && promised > legal {
		f.add("promised_limit", "promised limit %d exceeds the legal limit %d", promised, legal)
	}
}

func checkRequired(f fieldErrors, field, value string) {
	if value == "" {
		f.add(field, "is required")
	}
}

// Validate checks a department.
func (d *Department) Validate() error {
	f := fieldErrors{}
	if !deptCode.MatchString(d.Code) {
		f.add("code", "must be a lower-case ASCII slug of 2-16 characters")
	}
	checkRequired(f, "name", d.Name)
	return f.err()
}

// Validate checks a power item as DOMAIN.md asks: code, name, category,
// department, basis; promised ≤ legal limit; step days within the promised
// limit; consult and complaint phones differ; penalties state their scope.
func (p *PowerItem) Validate() error {
	f := fieldErrors{}
	if !itemCode.MatchString(p.Code) {
		f.add("code", "must be 1-36 ASCII letters, digits, '.', '_' or '-'")
	}
	checkRequired(f, "name", p.Name)
	checkRequired(f, "dept", p.Dept)
	if !slices.Contains(Categories, p.Category) {
		f.add("category", "must be one of XK CF QZ ZS JF JC QR JL CJ QT")
	}
	p.checkBasis(f)
	checkLimits(f, p.LegalLimit, p.PromisedLimit)
	if days := stepDays(p.Steps); p.PromisedLimit > 0 && days > p.PromisedLimit {
		f.add("steps", "steps take %d working days, more than the promised %d", days, p.PromisedLimit)
	}
	if p.ConsultPhone != "" && p.ConsultPhone == p.ComplaintPhone {
		f.add("complaint_phone", "must differ from the consult phone")
	}
	if p.Category == "CF" && p.PenaltyScope == "" {
		f.add("penalty_scope", "is required for a penalty (违法行为、处罚种类和幅度)")
	}
	checkDate(f, "effective_from", p.EffectiveFrom)
	return f.err()
}

func (p *PowerItem) checkBasis(f fieldErrors) {
	for _, b := range p.Basis {
		if b.Law == "" {
			f.add("basis", "every basis names its law or document")
		}
	}
}

func stepDays(steps []Step) int {
	n := 0
	for _, s := range steps {
		n += s.Days
	}
	return n
}

var penaltyStages = []string{"立案", "调查取证", "审理", "告知", "决定", "送达", "执行", "其他"}
var licensingStages = []string{"受理", "审查", "决定", "送达", "事后监管", "其他"}

// Validate checks a responsibility item: its power, department and that
// every stage is a known stage name.
func (r *Responsibility) Validate() error {
	f := fieldErrors{}
	if !itemCode.MatchString(r.PowerCode) {
		f.add("power_code", "must be a power item's code")
	}
	checkRequired(f, "dept", r.Dept)
	for _, s := range r.Stages {
		if !slices.Contains(licensingStages, s.Stage) && !slices.Contains(penaltyStages, s.Stage) {
			f.add("stages", "unknown stage %q", s.Stage)
		}
		if s.Content == "" {
			f.add("stages", "stage %q has no duty", s.Stage)
		}
	}
	return f.err()
}

// Validate checks a service item.
func (s *ServiceItem) Validate() error {
	f := fieldErrors{}
	if !itemCode.MatchString(s.Code) {
		f.add("code", "must be 1-36 ASCII letters, digits, '.', '_' or '-'")
	}
	checkRequired(f, "name", s.Name)
	checkRequired(f, "dept", s.Dept)
	if s.Audience != "individual" && s.Audience != "legal_person" {
		f.add("audience", "must be individual or legal_person")
	}
	if s.PowerCode == "" && s.Category != "GG" {
		f.add("category", "a service that implements no power is a public service, category GG")
	}
	if s.PowerCode != "" && !slices.Contains(Categories, s.Category) {
		f.add("category", "must be the category of the power it implements")
	}
	if s.OnlineDepth < 0 || s.OnlineDepth > 4 {
		f.add("online_depth", "must be 0 to 4")
	}
	checkLimits(f, s.LegalLimit, s.PromisedLimit)
	return f.err()
}
