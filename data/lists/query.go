package lists

// MaxPerPage bounds a page of any list.
const MaxPerPage = 100

// ListQuery filters a list. Empty fields do not filter. Q matches any
// substring of an item's name, code or (for powers) legal basis, Chinese
// included.
type ListQuery struct {
	Kind     Kind
	Dept     string
	Category string
	Status   string
	Audience string
	Theme    string
	PowerOf  string // services implementing this power; responsibilities of it
	Hot      bool
	Q        string
	Page     int // from 1
	PerPage  int // 1…MaxPerPage
}

// Page is one page of a list, in code order.
type Page struct {
	Items   []*Item `json:"items"`
	Total   int64   `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
}

// filterable lists which filters each table supports.
var filterable = map[Kind][]string{
	KindDepartment:     {"status"},
	KindPower:          {"dept", "category", "status"},
	KindResponsibility: {"dept", "status", "code"},
	KindService:        {"dept", "category", "status", "audience", "theme", "power_code", "hot"},
}
