package lists

import "encoding/json"

// The three lists' items. Their JSON is what the ledger records (as the
// "item" of a list event), what the API serves and what export writes; the
// field keys follow data/demo/SCHEMA.md.

// Power categories (权力类型) and GG, public services that are no power.
var Categories = []string{"XK", "CF", "QZ", "ZS", "JF", "JC", "QR", "JL", "CJ", "QT"}

// CategoryNames gives each category's Chinese and English name.
var CategoryNames = map[string][2]string{
	"XK": {"行政许可", "Administrative licensing"}, "CF": {"行政处罚", "Administrative penalty"},
	"QZ": {"行政强制", "Administrative coercion"}, "ZS": {"行政征收", "Administrative levy"},
	"JF": {"行政给付", "Administrative benefit"}, "JC": {"行政检查", "Administrative inspection"},
	"QR": {"行政确认", "Administrative confirmation"}, "JL": {"行政奖励", "Administrative reward"},
	"CJ": {"行政裁决", "Administrative adjudication"}, "QT": {"其他行政权力", "Other administrative power"},
	"GG": {"公共服务", "Public service"},
}

// Department is an acting body (部门) with its main duties (部门职责) and
// its boundaries with other departments (职责边界).
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

// Basis is one legal basis (设定依据 / 实施依据): law, document number
// (文号), article and text.
type Basis struct {
	Law     string `json:"law"`
	DocNo   string `json:"doc_no"`
	Article string `json:"article"`
	Text    string `json:"text"`
}

// Fee says whether an item is charged (收费) and on what basis.
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

// Step is one step of the procedure (办理流程) with its working days.
type Step struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// PowerItem is one item of the power list (权力事项).
type PowerItem struct {
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

// Stage is the duty at one stage of exercising a power (受理, 审查 …).
type Stage struct {
	Stage   string `json:"stage"`
	Content string `json:"content"`
	Basis   string `json:"basis"`
}

// Responsibility is the responsibility item (责任事项) of one power: its
// stage duties and when officials are held accountable (追责情形).
type Responsibility struct {
	PowerCode           string   `json:"power_code"`
	Dept                string   `json:"dept"`
	Stages              []Stage  `json:"stages"`
	Accountability      []string `json:"accountability"`
	AccountabilityBasis string   `json:"accountability_basis"`
	SupervisionPhone    string   `json:"supervision_phone"`
}

// ServiceItem is one item of the public-service network (政务服务事项).
// PowerCode is empty for a pure public service (category GG).
type ServiceItem struct {
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

// ListChange is one change to a list item as a person or file asks for it:
// for an amendment, the fields to change with their new values.
type ListChange struct {
	Kind          string                     `json:"kind"`
	Action        string                     `json:"action"`
	Code          string                     `json:"code"`
	Changes       map[string]json.RawMessage `json:"changes,omitempty"`
	BasisDoc      string                     `json:"basis_doc"`
	ChangeNote    string                     `json:"change_note"`
	Major         bool                       `json:"major"`
	EffectiveFrom string                     `json:"effective_from"`
}
