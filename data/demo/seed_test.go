package demo

import (
	"context"
	"testing"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// TestSeedThroughTheLedger seeds the demo county into a real SQLite
// database through ledger events and checks what the lists then show.
func TestSeedThroughTheLedger(t *testing.T) {
	db, err := store.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	l := storetest.NewLog(t, ls)
	cat := lists.NewCatalog(db, l)
	ctx := context.Background()
	if err := Seed(ctx, cat); err != nil {
		t.Fatal(err)
	}
	d, _ := Load()
	repealed := 0
	for _, ch := range d.History {
		if ch.Kind == "power" && ch.Action == "repeal" {
			repealed++
		}
	}
	page, err := cat.List(ctx, lists.ListQuery{Kind: lists.KindPower, Status: lists.StatusRepealed})
	if err != nil || page.Total != int64(repealed) {
		t.Fatalf("repealed powers %d (%v), want %d", page.Total, err, repealed)
	}
	all, _ := cat.List(ctx, lists.ListQuery{Kind: lists.KindPower})
	if all.Total != int64(len(d.Powers)) {
		t.Fatalf("powers %d, want %d", all.Total, len(d.Powers))
	}
	want := int64(len(d.Departments) + 2*len(d.Powers) + len(d.Services) + len(d.History))
	if _, c, _ := l.Latest(ctx); c.Size != want {
		t.Fatalf("ledger has %d entries, want %d", c.Size, want)
	}
	storetest.MustVerify(t, l, want)
	rep, err := ledger.Verify(ctx, ls, l.Origin(), l.Key().Verifier, nil)
	if err != nil || rep.Size != want {
		t.Fatal(err)
	}
}
