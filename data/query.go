package data

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

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

// List reads one page of a list.
func (c *Catalog) List(ctx context.Context, q ListQuery) (*Page, error) {
	spec, err := specOf(q.Kind)
	if err != nil {
		return nil, err
	}
	q.Page, q.PerPage = max(q.Page, 1), min(max(q.PerPage, 1), MaxPerPage)
	tx, err := q.where(c.db.Reader.WithContext(ctx).Table(spec.table))
	if err != nil {
		return nil, err
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, err
	}
	dept := "dept"
	if q.Kind == KindDepartment {
		dept = "'' AS dept"
	}
	var rows []itemRow
	err = tx.Select("code, " + dept + ", status, version, ledger_index, item").Order("code").
		Limit(q.PerPage).Offset((q.Page - 1) * q.PerPage).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	items := make([]*Item, len(rows))
	for i, r := range rows {
		items[i] = r.item(q.Kind)
	}
	return &Page{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}, nil
}

func (q ListQuery) where(tx *gorm.DB) (*gorm.DB, error) {
	allowed := filterable[q.Kind]
	filters := map[string]any{"dept": q.Dept, "category": q.Category, "status": q.Status,
		"audience": q.Audience, "theme": q.Theme}
	if q.PowerOf != "" {
		if q.Kind == KindService {
			filters["power_code"] = q.PowerOf
		} else {
			filters["code"] = q.PowerOf
		}
	}
	for col, v := range filters {
		if v == "" {
			continue
		}
		if !contains(allowed, col) {
			return nil, &ValidationError{Fields: map[string]string{col: fmt.Sprintf("the %s list cannot be filtered by %s", q.Kind, col)}}
		}
		tx = tx.Where(col+" = ?", v)
	}
	if q.Hot {
		if !contains(allowed, "hot") {
			return nil, &ValidationError{Fields: map[string]string{"hot": "only services have hot items"}}
		}
		tx = tx.Where("hot = 1")
	}
	if q.Q != "" {
		col := "search"
		if q.Kind == KindDepartment {
			col = "name"
		}
		tx = tx.Where(col+` LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(q.Q))+"%")
	}
	return tx, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
