package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"qingdan/data/pgtest"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// TestProjectionInSameTransaction: projection writes commit with their
// entry, a failing projection leaves none of its writes, and a rule checked
// inside the transaction lets exactly one of two concurrent claims win.
func TestProjectionInSameTransaction(t *testing.T) {
	pgtest.Backends(t, testProjectionInSameTransaction)
}

func testProjectionInSameTransaction(t *testing.T) {
	_, s := newTestStore(t, MainLog)
	mustExec(t, s, `CREATE TABLE claims (item TEXT PRIMARY KEY, ledger_index INTEGER NOT NULL)`)
	l := storetest.NewLog(t, s)
	claim := func(item string, fail bool) ledger.Event {
		ev := storetest.Event(0)
		ev.Project = func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
			g := GormTx(tx).WithContext(ctx)
			if err := g.Exec(`INSERT INTO claims (item, ledger_index) VALUES (?, ?)`, item, e.Index).Error; err != nil {
				return fmt.Errorf("%s already claimed: %w", item, err)
			}
			if fail {
				return errors.New("rule violated after writing")
			}
			return nil
		}
		return ev
	}
	if _, err := l.Append(context.Background(), claim("a", true)); err == nil {
		t.Fatal("failing projection: got success")
	}
	var wg sync.WaitGroup
	wins := make(chan int64, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if app, err := l.Append(context.Background(), claim("b", false)); err == nil {
				wins <- app.Entry.Index
			}
		}()
	}
	wg.Wait()
	close(wins)
	if len(wins) != 1 {
		t.Fatalf("%d concurrent claims won, want exactly 1", len(wins))
	}
	win := <-wins
	rows := map[string]int64{}
	gdb := s.db.Reader
	var list []struct {
		Item        string
		LedgerIndex int64
	}
	if err := gdb.Raw(`SELECT item, ledger_index FROM claims`).Scan(&list).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		rows[r.Item] = r.LedgerIndex
	}
	if len(rows) != 1 || rows["b"] != win {
		t.Fatalf("claims table %v, want only b at ledger index %d", rows, win)
	}
	storetest.MustVerify(t, l, 1)
}
