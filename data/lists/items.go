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
	Code       string     `json:"code" label:"部门编码|Department code"`
	Name       string     `json:"name" label:"部门名称|Department name"`
	NameEn     string     `json:"name_en" label:"英文名称|English name"`
	Parent     string     `json:"parent" label:"上级部门|Parent department"`
	Duties     string     `json:"duties" label:"部门职责|Duties"`
	Boundaries []Boundary `json:"boundaries" label:"职责边界|Boundaries with other departments"`
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
	Code           string     `json:"code" label:"事项编码|Item code"`
	Name           string     `json:"name" label:"事项名称|Item name"`
	Subitem        string     `json:"subitem" label:"子项名称|Sub-item name"`
	Category       string     `json:"category" label:"权力类型|Category"`
	Basis          []Basis    `json:"basis" label:"实施依据|Legal basis"`
	Dept           string     `json:"dept" label:"实施主体|Acting body"`
	Nature         string     `json:"nature" label:"实施主体性质|Nature of the acting body"`
	Office         string     `json:"office" label:"承办机构|Handling office"`
	Joint          []string   `json:"joint" label:"联办机构|Joint handling departments"`
	Levels         []string   `json:"levels" label:"行使层级|Levels exercising it"`
	Audience       []string   `json:"audience" label:"服务对象|Audience"`
	LegalLimit     int        `json:"legal_limit" label:"法定办结时限|Statutory time limit"`
	PromisedLimit  int        `json:"promised_limit" label:"承诺办结时限|Promised time limit"`
	CaseKind       string     `json:"case_kind" label:"办件类型|Case type"`
	Fee            Fee        `json:"fee" label:"收费|Fees"`
	Conditions     string     `json:"conditions" label:"受理条件|Conditions for acceptance"`
	Materials      []Material `json:"materials" label:"申请材料|Application materials"`
	Steps          []Step     `json:"steps" label:"办理流程|Procedure"`
	ConsultPhone   string     `json:"consult_phone" label:"咨询电话|Enquiry phone"`
	ComplaintPhone string     `json:"complaint_phone" label:"监督投诉电话|Complaints phone"`
	EffectiveFrom  string     `json:"effective_from" label:"生效日期|In force from"`
	PenaltyScope   string     `json:"penalty_scope" label:"处罚的行为、种类、幅度|Offences, kinds and ranges of penalty"`
	IntegrityRisks []string   `json:"integrity_risks" label:"廉政风险点|Integrity risks"`
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
	PowerCode           string   `json:"power_code" label:"权力事项编码|Power item code"`
	Dept                string   `json:"dept" label:"责任主体|Responsible body"`
	Stages              []Stage  `json:"stages" label:"责任事项|Duties at each stage"`
	Accountability      []string `json:"accountability" label:"追责情形|Accountability cases"`
	AccountabilityBasis string   `json:"accountability_basis" label:"追责依据|Basis for accountability"`
	SupervisionPhone    string   `json:"supervision_phone" label:"监督电话|Supervision phone"`
}

// ServiceItem is one item of the public-service network (政务服务事项).
// PowerCode is empty for a pure public service (category GG).
type ServiceItem struct {
	Code          string     `json:"code" label:"事项编码|Item code"`
	Name          string     `json:"name" label:"事项名称|Item name"`
	Audience      string     `json:"audience" label:"服务对象|Audience"`
	Theme         string     `json:"theme" label:"主题分类|Theme"`
	Hot           bool       `json:"hot" label:"热点事项|Popular service"`
	OnlineDepth   int        `json:"online_depth" label:"网上办理深度|Online depth"`
	Visits        int        `json:"visits" label:"到办事现场次数|Visits in person"`
	Dept          string     `json:"dept" label:"实施主体|Acting body"`
	PowerCode     string     `json:"power_code" label:"对应权力事项编码|Power item code"`
	Category      string     `json:"category" label:"事项类型|Item type"`
	Materials     []Material `json:"materials" label:"申请材料|Application materials"`
	Fee           Fee        `json:"fee" label:"收费|Fees"`
	LegalLimit    int        `json:"legal_limit" label:"法定办结时限|Statutory time limit"`
	PromisedLimit int        `json:"promised_limit" label:"承诺办结时限|Promised time limit"`
	Location      string     `json:"location" label:"办理地点|Where"`
	Hours         string     `json:"hours" label:"办理时间|Opening hours"`
	ConsultPhone  string     `json:"consult_phone" label:"咨询电话|Enquiry phone"`
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
