// Package demo embeds the demonstration dataset of qingdan: the fictional
// 清江县 (Qingjiang County) with its departments, power list (权力清单),
// responsibility list (责任清单), service catalogue (政务服务事项) and the
// ordered history of changes made after the initial publication.
//
// The JSON follows SCHEMA.md in this folder. The legal bases cite real
// Chinese laws and regulations; the county, its documents (文号), offices
// and telephone numbers are fictional.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

//go:embed county.json
var county []byte

// County returns the embedded county.json. The slice is shared: callers
// must not modify it.
func County() []byte { return county }

// Dataset is the whole demo county.
type Dataset struct {
	InitialBasisDoc      string           `json:"initial_basis_doc"`
	InitialEffectiveFrom string           `json:"initial_effective_from"`
	Departments          []Department     `json:"departments"`
	Powers               []Power          `json:"powers"`
	Responsibilities     []Responsibility `json:"responsibilities"`
	Services             []Service        `json:"services"`
	History              []Change         `json:"history"`
}

// Department is an acting body with its duties (部门职责) and its
// boundaries with other departments (职责边界).
type Department struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	NameEn     string     `json:"name_en"`
	Parent     string     `json:"parent"`
	Duties     string     `json:"duties"`
	Boundaries []Boundary `json:"boundaries"`
}

// Boundary is the division of one matter between two departments.
type Boundary struct {
	With     string `json:"with"`
	Matter   string `json:"matter"`
	Division string `json:"division"`
}

// Basis is one legal basis (设定依据 / 实施依据).
type Basis struct {
	Law     string `json:"law"`
	DocNo   string `json:"doc_no"`
	Article string `json:"article"`
	Text    string `json:"text"`
}

// Fee says whether an item is charged and on what basis.
type Fee struct {
	Charged bool     `json:"charged"`
	Basis   string   `json:"basis"`
	Items   []string `json:"items"`
}

// Material is one application material (申请材料).
type Material struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// Step is one step of the procedure with its time budget in working days.
type Step struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// Power is one item of the power list (权力事项).
type Power struct {
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	Subitem        string     `json:"subitem"`
	Category       string     `json:"category"`
	Basis          []Basis    `json:"basis"`
	Dept           string     `json:"dept"`
	Nature         string     `json:"nature"`
	Office         string     `json:"office"`
	Joint          []string   `json:"joint"`
	Levels         []string   `json:"levels"`
	Audience       []string   `json:"audience"`
	LegalLimit     int        `json:"legal_limit"`
	PromisedLimit  int        `json:"promised_limit"`
	CaseKind       string     `json:"case_kind"`
	Fee            Fee        `json:"fee"`
	Conditions     string     `json:"conditions"`
	Materials      []Material `json:"materials"`
	Steps          []Step     `json:"steps"`
	ConsultPhone   string     `json:"consult_phone"`
	ComplaintPhone string     `json:"complaint_phone"`
	EffectiveFrom  string     `json:"effective_from"`
	PenaltyScope   string     `json:"penalty_scope"`
	IntegrityRisks []string   `json:"integrity_risks"`
}

// Stage is the duty at one stage of exercising a power.
type Stage struct {
	Stage   string `json:"stage"`
	Content string `json:"content"`
	Basis   string `json:"basis"`
}

// Responsibility is the responsibility item (责任事项) of one power.
type Responsibility struct {
	PowerCode           string   `json:"power_code"`
	Dept                string   `json:"dept"`
	Stages              []Stage  `json:"stages"`
	Accountability      []string `json:"accountability"`
	AccountabilityBasis string   `json:"accountability_basis"`
	SupervisionPhone    string   `json:"supervision_phone"`
}

// Service is one item of the service catalogue (政务服务事项).
type Service struct {
	Code          string     `json:"code"`
	Name          string     `json:"name"`
	Audience      string     `json:"audience"`
	Theme         string     `json:"theme"`
	Hot           bool       `json:"hot"`
	OnlineDepth   int        `json:"online_depth"`
	Visits        int        `json:"visits"`
	Dept          string     `json:"dept"`
	PowerCode     string     `json:"power_code"`
	Category      string     `json:"category"`
	Materials     []Material `json:"materials"`
	Fee           Fee        `json:"fee"`
	LegalLimit    int        `json:"legal_limit"`
	PromisedLimit int        `json:"promised_limit"`
	Location      string     `json:"location"`
	Hours         string     `json:"hours"`
	ConsultPhone  string     `json:"consult_phone"`
}

// Change is one later change, applied in order after the initial
// publication. Kind is "power", "service", "responsibility" or
// "department"; Code is the item's code (for a responsibility, its power
// code). An "amend" replaces the listed fields with the given values; a
// "repeal" has no Changes.
type Change struct {
	Kind          string                     `json:"kind"`
	Action        string                     `json:"action"`
	Code          string                     `json:"code"`
	Changes       map[string]json.RawMessage `json:"changes,omitempty"`
	BasisDoc      string                     `json:"basis_doc"`
	ChangeNote    string                     `json:"change_note"`
	Major         bool                       `json:"major"`
	EffectiveFrom string                     `json:"effective_from"`
}

// Load decodes the embedded dataset strictly: unknown fields and trailing
// data are errors.
func Load() (*Dataset, error) {
	return Decode(county)
}

// Decode decodes a dataset in the format of county.json strictly.
func Decode(data []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: decoding county.json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("demo: decoding county.json: trailing data after the top-level object")
	}
	return &d, nil
}
