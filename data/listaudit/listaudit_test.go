package listaudit

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// liveServed serves the lists of a live catalog, with one item's field
// optionally altered, as a dishonest service would.
type liveServed struct {
	cat       *lists.Catalog
	db        *store.DB
	alterCode string // a power's code
}

func (s liveServed) List(ctx context.Context, k lists.Kind, page, perPage int) ([]json.RawMessage, int64, error) {
	p, err := s.cat.List(ctx, lists.ListQuery{Kind: k, Page: page, PerPage: perPage})
	if err != nil {
		return nil, 0, err
	}
	var out []json.RawMessage
	for _, it := range p.Items {
		raw, _ := it.MarshalJSON()
		if k == lists.KindPower && it.Code == s.alterCode {
			raw = []byte(strings.Replace(string(raw), `"status":"in_force"`, `"status":"repealed"`, 1))
		}
		out = append(out, raw)
	}
	return out, p.Total, nil
}

func (s liveServed) Grants(ctx context.Context) ([]identity.RoleGrant, error) {
	return identity.RoleGrants(ctx, s.db)
}

func TestReplayResumesAndCompares(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	l := storetest.NewLog(t, ls)
	cat := lists.NewCatalog(db, l)
	if err := demo.Seed(ctx, cat); err != nil {
		t.Fatal(err)
	}
	var entries []*ledger.Entry
	ls.ReadRecords(ctx, 0, -1, func(r ledger.Record) error {
		e, err := ledger.Decode(r.Body)
		entries = append(entries, e)
		return err
	})
	dir := t.TempDir()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	half := len(entries) / 2
	if err := r.Follow(ctx, entries[:half]); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	r.Follow(ctx, entries[half:half+10]) // never synced: lost on close
	r.Close()
	r2, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r2.Size(ctx); n != int64(half) {
		t.Fatalf("reopened replay holds %d entries, want %d", n, half)
	}
	if err := r2.Follow(ctx, entries[half+1:]); err == nil {
		t.Fatal("an entry out of order was replayed")
	}
	r2.Close()
	r, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Follow(ctx, entries[half:]); err != nil {
		t.Fatal(err)
	}
	r.Sync(ctx)
	diffs, counts, err := r.Compare(ctx, liveServed{cat: cat, db: db})
	if err != nil || len(diffs) != 0 || counts.Items[lists.KindPower] < 150 {
		t.Fatalf("honest service: %v, %v, %+v", diffs, err, counts)
	}
	page, _ := cat.List(ctx, lists.ListQuery{Kind: lists.KindPower, Page: 2, PerPage: 1})
	code := page.Items[0].Code
	diffs, _, err = r.Compare(ctx, liveServed{cat: cat, db: db, alterCode: code})
	if err != nil || len(diffs) != 1 || diffs[0].What != "power "+code || diffs[0].Field != "status" {
		t.Fatalf("altered service: %v, %v; want one difference in power %s status", diffs, err, code)
	}
}
