package lists

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qingdan/data/store"
)

// The list tables are small (thousands of rows) and read far more often
// than written, so reads are served from an in-memory snapshot of them,
// brought up to date incrementally: every row carries the ledger index of
// its current version, and the snapshot remembers the highest it has seen.
// Appends made through this Catalog advance it at once; appends by other
// processes (an import run from the command line, another replica) are
// seen within listPoll.

const listPoll = time.Second

// snapshot is an immutable copy of the four lists.
type snapshot struct {
	version int64 // highest ledger index of any list row it holds
	kinds   map[Kind]*kindSnap
}

type kindSnap struct {
	byCode map[string]*entry
	sorted []*entry // by code
}

// entry is one item with what filters and search need, and its JSON.
type entry struct {
	item    *Item
	encoded []byte
	search  string
	cols    map[string]string
	hot     bool
}

// listIndex keeps the current snapshot.
type listIndex struct {
	mu       sync.Mutex // serialises refreshes
	snap     atomic.Pointer[snapshot]
	known    atomic.Int64 // highest list ledger index known to exist
	lastPoll atomic.Int64 // unix nanoseconds of the last database poll
}

// Version returns the highest ledger index of any list change this
// catalog knows of; it changes whenever a list does.
func (c *Catalog) Version(ctx context.Context) (int64, error) {
	if time.Since(time.Unix(0, c.index.lastPoll.Load())) > listPoll {
		if err := c.poll(ctx); err != nil {
			return 0, err
		}
	}
	return c.index.known.Load(), nil
}

func (c *Catalog) poll(ctx context.Context) error {
	var v *int64
	if err := c.db.Reader.WithContext(ctx).Raw(`SELECT max(ledger_index) FROM item_versions`).Scan(&v).Error; err != nil {
		return err
	}
	c.index.lastPoll.Store(time.Now().UnixNano())
	if v != nil {
		c.advance(*v)
	}
	return nil
}

// advance records that list rows up to ledger index v exist.
func (c *Catalog) advance(v int64) {
	for {
		cur := c.index.known.Load()
		if v <= cur || c.index.known.CompareAndSwap(cur, v) {
			return
		}
	}
}

// current returns a snapshot at least as new as Version.
func (c *Catalog) current(ctx context.Context) (*snapshot, error) {
	v, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	if s := c.index.snap.Load(); s != nil && s.version >= v {
		return s, nil
	}
	c.index.mu.Lock()
	defer c.index.mu.Unlock()
	s := c.index.snap.Load()
	if s != nil && s.version >= v {
		return s, nil
	}
	next, err := c.refresh(ctx, s)
	if err != nil {
		return nil, err
	}
	c.index.snap.Store(next)
	return next, nil
}

// refresh copies old and applies every row changed since it was taken.
func (c *Catalog) refresh(ctx context.Context, old *snapshot) (*snapshot, error) {
	next := &snapshot{version: -1, kinds: map[Kind]*kindSnap{}}
	since := int64(-1)
	if old != nil {
		since, next.version = old.version, old.version
	}
	for _, k := range Kinds {
		ks, err := c.refreshKind(ctx, k, old, since, &next.version)
		if err != nil {
			return nil, err
		}
		next.kinds[k] = ks
	}
	return next, nil
}

func (c *Catalog) refreshKind(ctx context.Context, k Kind, old *snapshot, since int64, version *int64) (*kindSnap, error) {
	ks := &kindSnap{byCode: map[string]*entry{}}
	if old != nil {
		for code, e := range old.kinds[k].byCode {
			ks.byCode[code] = e
		}
	}
	rows, err := c.changedRows(ctx, k, since)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		e, err := newEntry(k, r)
		if err != nil {
			return nil, err
		}
		ks.byCode[r.Code] = e
		*version = max(*version, r.LedgerIndex)
	}
	ks.sorted = make([]*entry, 0, len(ks.byCode))
	for _, e := range ks.byCode {
		ks.sorted = append(ks.sorted, e)
	}
	sort.Slice(ks.sorted, func(i, j int) bool { return ks.sorted[i].item.Code < ks.sorted[j].item.Code })
	return ks, nil
}

// snapRow is a list row with every column filters use.
type snapRow struct {
	Code        string
	Dept        string
	Status      string
	Version     int
	LedgerIndex int64
	Item        string
	Search      string
	Category    string
	Audience    string
	Theme       string
	PowerCode   string
	Hot         bool
}

func (c *Catalog) changedRows(ctx context.Context, k Kind, since int64) ([]snapRow, error) {
	cols := map[Kind]string{
		KindDepartment:     "code, '' AS dept, status, version, ledger_index, item, name AS search",
		KindPower:          "code, dept, status, version, ledger_index, item, search, category",
		KindResponsibility: "code, dept, status, version, ledger_index, item, search",
		KindService:        "code, dept, status, version, ledger_index, item, search, category, audience, theme, power_code, hot",
	}[k]
	var rows []snapRow
	err := c.db.Reader.WithContext(ctx).Raw(`SELECT `+cols+` FROM `+kinds[k].table+` WHERE ledger_index > ?`, since).Scan(&rows).Error
	return rows, err
}

func newEntry(k Kind, r snapRow) (*entry, error) {
	it := itemRow{Code: r.Code, Dept: r.Dept, Status: r.Status, Version: r.Version, LedgerIndex: r.LedgerIndex, Item: r.Item}.item(k)
	encoded, err := it.MarshalJSON()
	if err != nil {
		return nil, err
	}
	it.encoded = encoded
	cols := map[string]string{"dept": r.Dept, "status": r.Status, "category": r.Category, "audience": r.Audience,
		"theme": r.Theme, "power_code": r.PowerCode, "code": r.Code}
	return &entry{item: it, encoded: encoded, search: strings.ToLower(r.Search), cols: cols, hot: r.Hot}, nil
}

// List reads one page of a list from the snapshot.
func (c *Catalog) List(ctx context.Context, q ListQuery) (*Page, error) {
	if _, err := specOf(q.Kind); err != nil {
		return nil, err
	}
	match, err := q.matcher()
	if err != nil {
		return nil, err
	}
	s, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	q.Page, q.PerPage = max(q.Page, 1), min(max(q.PerPage, 1), MaxPerPage)
	skip, page := (q.Page-1)*q.PerPage, &Page{Items: []*Item{}, Page: q.Page, PerPage: q.PerPage}
	for _, e := range s.kinds[q.Kind].sorted {
		if !match(e) {
			continue
		}
		if page.Total >= int64(skip) && len(page.Items) < q.PerPage {
			page.Items = append(page.Items, e.item)
		}
		page.Total++
	}
	return page, nil
}

// matcher turns the query into a predicate, refusing filters the list
// does not have.
func (q ListQuery) matcher() (func(*entry) bool, error) {
	filters := map[string]string{"dept": q.Dept, "category": q.Category, "status": q.Status,
		"audience": q.Audience, "theme": q.Theme}
	if q.PowerOf != "" {
		key := "code"
		if q.Kind == KindService {
			key = "power_code"
		}
		filters[key] = q.PowerOf
	}
	want := map[string]string{}
	for col, v := range filters {
		if v == "" {
			continue
		}
		if !slices.Contains(filterable[q.Kind], col) {
			return nil, &store.ValidationError{Fields: map[string]string{col: "the " + string(q.Kind) + " list cannot be filtered by " + col}}
		}
		want[col] = v
	}
	if q.Hot && !slices.Contains(filterable[q.Kind], "hot") {
		return nil, &store.ValidationError{Fields: map[string]string{"hot": "only services have hot items"}}
	}
	text := strings.ToLower(q.Q)
	return func(e *entry) bool {
		for col, v := range want {
			if e.cols[col] != v {
				return false
			}
		}
		return (!q.Hot || e.hot) && (text == "" || strings.Contains(e.search, text))
	}, nil
}

// MarshalJSON writes the page with each item's cached JSON.
func (p *Page) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i, it := range p.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		enc := it.encoded
		if enc == nil {
			var err error
			if enc, err = it.MarshalJSON(); err != nil {
				return nil, err
			}
		}
		b.Write(enc)
	}
	meta, _ := json.Marshal(struct {
		Total   int64 `json:"total"`
		Page    int   `json:"page"`
		PerPage int   `json:"per_page"`
	}{p.Total, p.Page, p.PerPage})
	b.WriteString("],")
	b.Write(meta[1:])
	return []byte(b.String()), nil
}
