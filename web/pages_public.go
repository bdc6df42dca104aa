package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"qingdan/data/lists"
	"qingdan/ledger"
)

// decodeItems turns listed items into their typed form.
func decodeItems[T any](items []*lists.Item) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		var v T
		if json.Unmarshal(it.Raw, &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// listed is a typed item with its list status and version.
type listed[T any] struct {
	V       T
	Status  string
	Version int
	Index   int64
}

func listedItems[T any](items []*lists.Item) []listed[T] {
	out := make([]listed[T], 0, len(items))
	for _, it := range items {
		var v T
		if json.Unmarshal(it.Raw, &v) == nil {
			out = append(out, listed[T]{V: v, Status: it.Status, Version: it.Version, Index: it.LedgerIndex})
		}
	}
	return out
}

// pager is what the pagination links need.
type pager struct {
	Page, Pages int
	Total       int64
	Prev, Next  string
}

func newPager(c *fiber.Ctx, pg *lists.Page) pager {
	pages := int((pg.Total + int64(pg.PerPage) - 1) / int64(pg.PerPage))
	p := pager{Page: pg.Page, Pages: max(pages, 1), Total: pg.Total}
	link := func(n int) string {
		q := c.Queries()
		parts := []string{}
		for k, v := range q {
			if k != "page" && v != "" {
				parts = append(parts, k+"="+url.QueryEscape(v))
			}
		}
		parts = append(parts, "page="+strconv.Itoa(n))
		return c.Path() + "?" + strings.Join(parts, "&")
	}
	if pg.Page > 1 {
		p.Prev = link(pg.Page - 1)
	}
	if pg.Page < pages {
		p.Next = link(pg.Page + 1)
	}
	return p
}

// pageList reads one page of a list from the query string (20 a page).
func (s *Server) pageList(c *fiber.Ctx, kind lists.Kind) (*lists.Page, lists.ListQuery, error) {
	q, err := listQuery(c, kind)
	if err != nil {
		return nil, q, err
	}
	pg, err := s.cfg.Catalog.List(c.UserContext(), q)
	return pg, q, err
}

// countBy is one bar of the home page's at-a-glance figures.
type countBy struct {
	Code  string
	Count int64
}

// homeFigures are the home page's figures: they change only with the
// lists, so they are kept per lists version.
type homeFigures struct {
	version                            int64
	Powers, Responsibilities, Services int64
	Departments                        int
	ByCategory, ByDept                 []countBy
	MaxCat, MaxDept                    int64
	Hot                                []lists.ServiceItem
	Recent                             []change
}

// homeCache keeps the latest homeFigures.
type homeCache struct {
	mu  sync.Mutex
	fig *homeFigures
}

// homePage serves /.
func (s *Server) homePage(c *fiber.Ctx) error {
	fig, err := s.homeFigures(c)
	if err != nil {
		return err
	}
	return s.render(c, "home", "home", fiber.Map{"Powers": fig.Powers, "Responsibilities": fig.Responsibilities,
		"Services": fig.Services, "Departments": fig.Departments, "ByCategory": fig.ByCategory, "ByDept": fig.ByDept,
		"MaxCat": fig.MaxCat, "MaxDept": fig.MaxDept, "Hot": fig.Hot, "Recent": fig.Recent, "Checkpoint": s.latestCheckpoint(c)})
}

func (s *Server) homeFigures(c *fiber.Ctx) (*homeFigures, error) {
	version, err := s.cfg.Catalog.Version(c.UserContext())
	if err != nil {
		return nil, err
	}
	s.homeCache.mu.Lock()
	defer s.homeCache.mu.Unlock()
	if f := s.homeCache.fig; f != nil && f.version == version {
		return f, nil
	}
	f := s.computeHomeFigures(c, version)
	s.homeCache.fig = f
	return f, nil
}

func (s *Server) computeHomeFigures(c *fiber.Ctx, version int64) *homeFigures {
	ctx := c.UserContext()
	total := func(q lists.ListQuery) int64 {
		q.PerPage = 1
		pg, err := s.cfg.Catalog.List(ctx, q)
		if err != nil {
			return 0
		}
		return pg.Total
	}
	f := &homeFigures{version: version}
	for _, cat := range lists.Categories {
		f.ByCategory = append(f.ByCategory, countBy{cat, total(lists.ListQuery{Kind: lists.KindPower, Category: cat, Status: lists.StatusInForce})})
	}
	for _, d := range s.departments(c) {
		f.ByDept = append(f.ByDept, countBy{d.Code, total(lists.ListQuery{Kind: lists.KindPower, Dept: d.Code, Status: lists.StatusInForce})})
	}
	if hot, err := s.cfg.Catalog.List(ctx, lists.ListQuery{Kind: lists.KindService, Hot: true, PerPage: 8}); err == nil {
		f.Hot = decodeItems[lists.ServiceItem](hot.Items)
	}
	f.Powers = total(lists.ListQuery{Kind: lists.KindPower, Status: lists.StatusInForce})
	f.Responsibilities = total(lists.ListQuery{Kind: lists.KindResponsibility, Status: lists.StatusInForce})
	f.Services = total(lists.ListQuery{Kind: lists.KindService, Status: lists.StatusInForce})
	f.Departments, f.MaxCat, f.MaxDept = len(f.ByDept), maxCount(f.ByCategory), maxCount(f.ByDept)
	f.Recent = s.recentChanges(c, version+1, 8)
	return f
}

func maxCount(cs []countBy) int64 {
	var m int64 = 1
	for _, c := range cs {
		m = max(m, c.Count)
	}
	return m
}

// change is one recent list change as the home page shows it.
type change struct {
	Index int64
	Time  string
	Type  string
	Kind  string
	Code  string
	Name  string
	Note  string
}

// recentChanges scans the ledger backwards from index end (exclusive: the
// entry after the latest list change) for the latest list changes, at most
// a few thousand entries back.
func (s *Server) recentChanges(c *fiber.Ctx, end int64, n int) []change {
	var out []change
	for from := end; from > 0 && len(out) < n && end-from < 5000; from -= 500 {
		start := max(from-500, 0)
		var chunk []change
		s.cfg.Ledger.Store().ReadRecords(c.UserContext(), start, from, func(r ledger.Record) error {
			if ch, ok := listChange(r); ok {
				chunk = append(chunk, ch)
			}
			return nil
		})
		for i := len(chunk) - 1; i >= 0 && len(out) < n; i-- {
			out = append(out, chunk[i])
		}
	}
	return out
}

func listChange(r ledger.Record) (change, bool) {
	e, err := ledger.Decode(r.Body)
	if err != nil {
		return change{}, false
	}
	kind, action, _ := strings.Cut(e.Type, ".")
	if (kind != "power" && kind != "service" && kind != "responsibility") || action == "" {
		return change{}, false
	}
	var ev lists.ListEvent
	json.Unmarshal(e.Data, &ev)
	var named struct{ Name string }
	json.Unmarshal(ev.Item, &named)
	return change{Index: r.Index, Time: e.Time.Format("2006-01-02"), Type: action, Kind: kind, Code: ev.Code,
		Name: named.Name, Note: ev.ChangeNote}, true
}

// checkpointView is the latest checkpoint as pages show it.
type checkpointView struct {
	Origin string
	Size   int64
	Root   string
	Note   string
}

func (s *Server) latestCheckpoint(c *fiber.Ctx) *checkpointView {
	sc, cp, err := s.cfg.Ledger.Latest(c.UserContext())
	if err != nil {
		return nil
	}
	return &checkpointView{Origin: cp.Origin, Size: cp.Size, Root: cp.Root.String(), Note: string(sc.Note)}
}

// powersPage serves /powers: filters and search.
func (s *Server) powersPage(c *fiber.Ctx) error {
	pg, q, err := s.pageList(c, lists.KindPower)
	if err != nil {
		return err
	}
	return s.render(c, "powers", "powers", fiber.Map{"Items": listedItems[lists.PowerItem](pg.Items), "Q": q,
		"Pager": newPager(c, pg), "Categories": lists.Categories, "DeptList": s.departments(c)})
}

// powerPage serves /powers/:code: every field, responsibilities, services
// and the version history.
func (s *Server) powerPage(c *fiber.Ctx) error {
	rec, err := s.cfg.Catalog.PowerRecord(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	var p lists.PowerItem
	json.Unmarshal(rec.Power.Raw, &p)
	return s.render(c, "power", "power", fiber.Map{"P": p, "Item": rec.Power, "Resp": decodeItems[lists.Responsibility](rec.Responsibilities),
		"Services": decodeItems[lists.ServiceItem](rec.Services), "History": reversed(rec.History)})
}

func reversed[T any](xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

// responsibilitiesPage serves /responsibilities.
func (s *Server) responsibilitiesPage(c *fiber.Ctx) error {
	pg, q, err := s.pageList(c, lists.KindResponsibility)
	if err != nil {
		return err
	}
	items := listedItems[lists.Responsibility](pg.Items)
	names, err := s.itemNames(c.UserContext(), lists.KindResponsibility, pg.Items)
	if err != nil {
		return err
	}
	return s.render(c, "responsibilities", "responsibilities", fiber.Map{"Items": items, "Names": names, "Q": q,
		"Pager": newPager(c, pg), "DeptList": s.departments(c)})
}

// departmentsPage serves /departments.
func (s *Server) departmentsPage(c *fiber.Ctx) error {
	return s.render(c, "departments", "departments", fiber.Map{"Items": s.departments(c)})
}

// departmentPage serves /departments/:code: duties, boundaries, powers and
// services.
func (s *Server) departmentPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	it, err := s.cfg.Catalog.Get(ctx, lists.KindDepartment, c.Params("code"))
	if err != nil {
		return err
	}
	var d lists.Department
	json.Unmarshal(it.Raw, &d)
	powers, err := s.cfg.Catalog.List(ctx, lists.ListQuery{Kind: lists.KindPower, Dept: d.Code, Status: lists.StatusInForce, PerPage: lists.MaxPerPage})
	if err != nil {
		return err
	}
	svc, err := s.cfg.Catalog.List(ctx, lists.ListQuery{Kind: lists.KindService, Dept: d.Code, Status: lists.StatusInForce, PerPage: lists.MaxPerPage})
	if err != nil {
		return err
	}
	return s.render(c, "department", "department", fiber.Map{"D": d, "Powers": decodeItems[lists.PowerItem](powers.Items),
		"PowersTotal": powers.Total, "Services": decodeItems[lists.ServiceItem](svc.Items)})
}

// servicesPage serves /services: by audience and theme, hot items, search.
func (s *Server) servicesPage(c *fiber.Ctx) error {
	pg, q, err := s.pageList(c, lists.KindService)
	if err != nil {
		return err
	}
	if q.Audience != "" && q.Audience != "individual" && q.Audience != "legal_person" {
		return badRequestf("audience must be individual or legal_person")
	}
	return s.render(c, "services", "services", fiber.Map{"Items": listedItems[lists.ServiceItem](pg.Items), "Q": q,
		"Pager": newPager(c, pg), "Themes": s.themes(c)})
}

// themes lists the services' themes (主题), in first-seen order.
func (s *Server) themes(c *fiber.Ctx) []string {
	seen, out := map[string]bool{}, []string{}
	for p := 1; p <= 20; p++ {
		pg, err := s.cfg.Catalog.List(c.UserContext(), lists.ListQuery{Kind: lists.KindService, Status: lists.StatusInForce, Page: p, PerPage: lists.MaxPerPage})
		if err != nil || len(pg.Items) == 0 {
			break
		}
		for _, sv := range decodeItems[lists.ServiceItem](pg.Items) {
			if sv.Theme != "" && !seen[sv.Theme] {
				seen[sv.Theme] = true
				out = append(out, sv.Theme)
			}
		}
	}
	return out
}

// servicePage serves /services/:code.
func (s *Server) servicePage(c *fiber.Ctx) error {
	it, err := s.cfg.Catalog.Get(c.UserContext(), lists.KindService, c.Params("code"))
	if err != nil {
		return err
	}
	var sv lists.ServiceItem
	json.Unmarshal(it.Raw, &sv)
	history, err := s.cfg.Catalog.History(c.UserContext(), lists.KindService, it.Code)
	if err != nil {
		return err
	}
	return s.render(c, "service", "service", fiber.Map{"S": sv, "Item": it, "History": reversed(history)})
}
