package lists

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"qingdan/data/store"
)

var itemCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$`)
var deptCode = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,15}$`)

// IsDeptCode reports whether code has the form of a department code.
func IsDeptCode(code string) bool { return deptCode.MatchString(code) }

// decodeStrict decodes an item, refusing unknown fields.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &store.ValidationError{Fields: map[string]string{"item": err.Error()}}
	}
	return nil
}

func checkDate(f store.FieldErrors, field, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		f.Add(field, "must be a date like 2026-01-31")
	}
}

func checkLimits(f store.FieldErrors, legal, promised int) {
	if legal < 0 {
		f.Add("legal_limit", "must not be negative")
	}
	if promised < 0 {
		f.Add("promised_limit", "must not be negative")
	}
	if legal > 0 && promised > legal {
		f.Add("promised_limit", "promised limit %d exceeds the legal limit %d", promised, legal)
	}
}

func checkRequired(f store.FieldErrors, field, value string) {
	if value == "" {
		f.Add(field, "is required")
	}
}

// Validate checks a department.
func (d *Department) Validate() error {
	f := store.FieldErrors{}
	if !deptCode.MatchString(d.Code) {
		f.Add("code", "must be a lower-case ASCII slug of 2-16 characters")
	}
	checkRequired(f, "name", d.Name)
	return f.Err()
}

// Validate checks a power item as DOMAIN.md asks: code, name, category,
// department, basis; promised ≤ legal limit; step days within the promised
// limit; consult and complaint phones differ; penalties state their scope.
func (p *PowerItem) Validate() error {
	f := store.FieldErrors{}
	if !itemCode.MatchString(p.Code) {
		f.Add("code", "must be 1-36 ASCII letters, digits, '.', '_' or '-'")
	}
	checkRequired(f, "name", p.Name)
	checkRequired(f, "dept", p.Dept)
	if !slices.Contains(Categories, p.Category) {
		f.Add("category", "must be one of XK CF QZ ZS JF JC QR JL CJ QT")
	}
	p.checkBasis(f)
	checkLimits(f, p.LegalLimit, p.PromisedLimit)
	if days := stepDays(p.Steps); p.PromisedLimit > 0 && days > p.PromisedLimit {
		f.Add("steps", "steps take %d working days, more than the promised %d", days, p.PromisedLimit)
	}
	if p.ConsultPhone != "" && p.ConsultPhone == p.ComplaintPhone {
		f.Add("complaint_phone", "must differ from the consult phone")
	}
	if p.Category == "CF" && p.PenaltyScope == "" {
		f.Add("penalty_scope", "is required for a penalty (违法行为、处罚种类和幅度)")
	}
	checkDate(f, "effective_from", p.EffectiveFrom)
	return f.Err()
}

func (p *PowerItem) checkBasis(f store.FieldErrors) {
	for _, b := range p.Basis {
		if b.Law == "" {
			f.Add("basis", "every basis names its law or document")
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
	f := store.FieldErrors{}
	if !itemCode.MatchString(r.PowerCode) {
		f.Add("power_code", "must be a power item's code")
	}
	checkRequired(f, "dept", r.Dept)
	for _, s := range r.Stages {
		if !slices.Contains(licensingStages, s.Stage) && !slices.Contains(penaltyStages, s.Stage) {
			f.Add("stages", "unknown stage %q", s.Stage)
		}
		if s.Content == "" {
			f.Add("stages", "stage %q has no duty", s.Stage)
		}
	}
	return f.Err()
}

// Validate checks a service item.
func (s *ServiceItem) Validate() error {
	f := store.FieldErrors{}
	if !itemCode.MatchString(s.Code) {
		f.Add("code", "must be 1-36 ASCII letters, digits, '.', '_' or '-'")
	}
	checkRequired(f, "name", s.Name)
	checkRequired(f, "dept", s.Dept)
	if s.Audience != "individual" && s.Audience != "legal_person" {
		f.Add("audience", "must be individual or legal_person")
	}
	if s.PowerCode == "" && s.Category != "GG" {
		f.Add("category", "a service that implements no power is a public service, category GG")
	}
	if s.PowerCode != "" && !slices.Contains(Categories, s.Category) {
		f.Add("category", "must be the category of the power it implements")
	}
	if s.OnlineDepth < 0 || s.OnlineDepth > 4 {
		f.Add("online_depth", "must be 0 to 4")
	}
	checkLimits(f, s.LegalLimit, s.PromisedLimit)
	return f.Err()
}
