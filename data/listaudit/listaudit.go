// Package listaudit rebuilds the three lists and the role policy from a
// verified ledger, with the same projection code the service runs, and
// compares them with what the service publishes, so that a published list
// item or role grant that the ledger does not support is caught.
package listaudit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"gorm.io/gorm"

	"qingdan/data"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// Replay is an auditor's own SQLite folder into which verified entries are
// replayed (an audit.Follower). It remembers how many entries it holds in
// the same transactions, so an interrupted audit resumes without replaying
// an entry twice.
type Replay struct {
	db      *store.DB
	tx      *gorm.DB // open between Follow and Sync
	size    int64
	pending int
}

// Open opens (creating) the replay folder dir.
func Open(ctx context.Context, dir string) (*Replay, error) {
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		return nil, err
	}
	r := &Replay{db: db}
	err = db.Writer.WithContext(ctx).Exec(`CREATE TABLE IF NOT EXISTS audit_replayed (one INTEGER PRIMARY KEY CHECK (one = 1), size INTEGER NOT NULL)`).Error
	if err == nil {
		err = db.Reader.WithContext(ctx).Raw(`SELECT coalesce(max(size), 0) FROM audit_replayed`).Scan(&r.size).Error
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("listaudit: open replay: %w", err)
	}
	return r, nil
}

// Close closes the replay folder, dropping what was not synced.
func (r *Replay) Close() error {
	if r.tx != nil {
		r.tx.Rollback()
		r.tx = nil
	}
	return r.db.Close()
}

// Size implements audit.Follower: the entries replayed and synced.
func (r *Replay) Size(ctx context.Context) (int64, error) { return r.size, nil }

// syncEvery bounds the entries replayed in one transaction.
const syncEvery = 1 << 14

// Follow implements audit.Follower: it projects each entry, in order.
func (r *Replay) Follow(ctx context.Context, entries []*ledger.Entry) error {
	if r.tx == nil {
		// The transaction outlives one Follow call's context; Close rolls
		// back what was not synced.
		r.tx = r.db.Writer.WithContext(context.WithoutCancel(ctx)).Begin()
		if r.tx.Error != nil {
			return r.tx.Error
		}
	}
	for _, e := range entries {
		if e.Index != r.size+int64(r.pending) {
			return fmt.Errorf("listaudit: entry %d given after %d", e.Index, r.size+int64(r.pending))
		}
		if err := data.Project(ctx, r.tx, e); err != nil {
			return fmt.Errorf("listaudit: entry %d does not apply to the lists rebuilt so far: %w", e.Index, err)
		}
		r.pending++
	}
	if r.pending >= syncEvery {
		return r.Sync(ctx)
	}
	return nil
}

// Sync implements audit.Follower: it commits what Follow applied.
func (r *Replay) Sync(ctx context.Context) error {
	if r.tx == nil {
		return nil
	}
	size := r.size + int64(r.pending)
	err := r.tx.Exec(`INSERT INTO audit_replayed (one, size) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET size = excluded.size`, size).Error
	if err == nil {
		err = r.tx.Commit().Error
	} else {
		r.tx.Rollback()
	}
	r.tx = nil
	if err != nil {
		return fmt.Errorf("listaudit: commit replay: %w", err)
	}
	r.size, r.pending = size, 0
	return nil
}

// Served is what the service publishes, as an auditor reads it.
type Served interface {
	// List returns one page of a list as served: each item's JSON.
	List(ctx context.Context, kind lists.Kind, page, perPage int) (items []json.RawMessage, total int64, err error)
	// Grants returns the role grants the service has in force.
	Grants(ctx context.Context) ([]identity.RoleGrant, error)
}

// Difference is one disagreement between the service and the replay.
type Difference struct {
	What   string // e.g. "power XK-001" or "role grant"
	Field  string // "" when the whole item is missing on one side
	Served string
	Ledger string // what the replayed ledger gives
}

func (d Difference) String() string {
	if d.Field == "" {
		return fmt.Sprintf("%s: served %s, the ledger gives %s", d.What, d.Served, d.Ledger)
	}
	return fmt.Sprintf("%s: field %s is served as %s, the ledger gives %s", d.What, d.Field, d.Served, d.Ledger)
}

// Counts are the sizes of what was compared.
type Counts struct {
	Items  map[lists.Kind]int
	Grants int // -1: the role grants were not compared (ErrGrantsNotServed)
}

// Compare reads every list and the role grants from s and compares them
// with the replay, item by item and field by field.
func (r *Replay) Compare(ctx context.Context, s Served) ([]Difference, *Counts, error) {
	counts := &Counts{Items: map[lists.Kind]int{}}
	cat := lists.NewCatalog(r.db, nil)
	var diffs []Difference
	for _, k := range lists.Kinds {
		want, err := replayedItems(ctx, cat, k)
		if err != nil {
			return nil, nil, err
		}
		got, err := servedItems(ctx, s, k)
		if err != nil {
			return nil, nil, err
		}
		d, err := compareLists(string(k), got, want)
		if err != nil {
			return nil, nil, err
		}
		diffs = append(diffs, d...)
		counts.Items[k] = len(want)
	}
	d, n, err := r.compareGrants(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	counts.Grants = n
	return append(diffs, d...), counts, nil
}

// item is one list item as a generic JSON object.
type item map[string]any

// replayedItems returns every item of a list rebuilt by the replay, as
// the service would serve it, in the service's order.
func replayedItems(ctx context.Context, cat *lists.Catalog, k lists.Kind) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for page := 1; ; page++ {
		p, err := cat.List(ctx, lists.ListQuery{Kind: k, Page: page, PerPage: lists.MaxPerPage})
		if err != nil {
			return nil, fmt.Errorf("listaudit: read replayed %s list: %w", k, err)
		}
		for _, it := range p.Items {
			raw, err := it.MarshalJSON()
			if err != nil {
				return nil, err
			}
			out = append(out, raw)
		}
		if int64(page*lists.MaxPerPage) >= p.Total {
			return out, nil
		}
	}
}

// servedItems returns every item of a list as served, page by page.
func servedItems(ctx context.Context, s Served, k lists.Kind) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for page := 1; ; page++ {
		items, total, err := s.List(ctx, k, page, lists.MaxPerPage)
		if err != nil {
			return nil, fmt.Errorf("listaudit: read served %s list: %w", k, err)
		}
		out = append(out, items...)
		if int64(page*lists.MaxPerPage) >= total || len(items) == 0 {
			return out, nil
		}
	}
}

// compareLists compares one list: byte for byte when the service serves
// exactly what the replay gives (the usual case), item by item and field
// by field otherwise.
func compareLists(kind string, served, replayed []json.RawMessage) ([]Difference, error) {
	if len(served) == len(replayed) {
		same := true
		for i := range served {
			if !bytes.Equal(served[i], replayed[i]) {
				same = false
				break
			}
		}
		if same {
			return nil, nil
		}
	}
	s, err := byCode(served)
	if err != nil {
		return nil, fmt.Errorf("listaudit: served %s: %w", kind, err)
	}
	r, err := byCode(replayed)
	if err != nil {
		return nil, err
	}
	return compareItems(kind, s, r), nil
}

func byCode(raws []json.RawMessage) (map[string]item, error) {
	out := make(map[string]item, len(raws))
	for _, raw := range raws {
		if err := addItem(out, raw); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func addItem(out map[string]item, raw []byte) error {
	var it item
	if err := json.Unmarshal(raw, &it); err != nil {
		return err
	}
	code, _ := it["code"].(string)
	if code == "" {
		return fmt.Errorf("an item without a code")
	}
	out[code] = it
	return nil
}

func compareItems(kind string, served, replayed map[string]item) []Difference {
	var diffs []Difference
	for code, s := range served {
		what := kind + " " + code
		w, ok := replayed[code]
		if !ok {
			diffs = append(diffs, Difference{What: what, Served: "present", Ledger: "no such item"})
			continue
		}
		diffs = append(diffs, compareFields(what, s, w)...)
	}
	for code := range replayed {
		if _, ok := served[code]; !ok {
			diffs = append(diffs, Difference{What: kind + " " + code, Served: "absent", Ledger: "present"})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].What+diffs[i].Field < diffs[j].What+diffs[j].Field })
	return diffs
}

func compareFields(what string, served, replayed item) []Difference {
	var diffs []Difference
	for f := range union(served, replayed) {
		if !reflect.DeepEqual(served[f], replayed[f]) {
			diffs = append(diffs, Difference{What: what, Field: f, Served: jsonText(served[f]), Ledger: jsonText(replayed[f])})
		}
	}
	return diffs
}

func union(a, b item) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	const limit = 200
	if len(b) > limit {
		return string(b[:limit]) + "…"
	}
	return string(b)
}

func (r *Replay) compareGrants(ctx context.Context, s Served) ([]Difference, int, error) {
	want, err := identity.RoleGrants(ctx, r.db)
	if err != nil {
		return nil, 0, err
	}
	got, err := s.Grants(ctx)
	if errors.Is(err, ErrGrantsNotServed) {
		return nil, -1, nil // not compared: Counts.Grants -1
	}
	if err != nil {
		return nil, 0, fmt.Errorf("listaudit: read served role grants: %w", err)
	}
	key := func(g identity.RoleGrant) string { return g.User + " " + g.Role + " " + g.Dept }
	inLedger := map[string]bool{}
	for _, g := range want {
		inLedger[key(g)] = true
	}
	var diffs []Difference
	for _, g := range got {
		if !inLedger[key(g)] {
			diffs = append(diffs, Difference{What: "role grant " + key(g), Served: "in force", Ledger: "not granted"})
		}
		delete(inLedger, key(g))
	}
	for k := range inLedger {
		diffs = append(diffs, Difference{What: "role grant " + k, Served: "absent", Ledger: "granted"})
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].What < diffs[j].What })
	return diffs, len(want), nil
}
