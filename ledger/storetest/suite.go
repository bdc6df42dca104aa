// Package storetest is the conformance suite that every ledger.Store must
// pass (SQLite, PostgreSQL …). A backend's test calls Run with a Harness.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// Harness builds fresh stores of one backend for the suite.
type Harness struct {
	// New returns an empty store that lives until the test ends.
	New func(t *testing.T) ledger.Store
	// Exec runs raw SQL against the store's database, with {entries} and
	// {checkpoints} replaced by the store's table names.
	Exec func(t *testing.T, s ledger.Store, sql string) error
}

// Run runs every conformance test against h.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"AppendReadBack", testAppendReadBack},
		{"DuplicateIsConflict", testDuplicateIsConflict},
		{"RollbackLeavesNothing", testRollbackLeavesNothing},
		{"UpdateDeleteRefused", testUpdateDeleteRefused},
		{"ConcurrentAppends", testConcurrentAppends},
		{"RejectedProjection", testRejectedProjection},
		{"UnguardedProjection", testUnguardedProjection},
		{"CancelledBeforeIndex", testCancelledBeforeIndex},
		{"TwoWriters", testTwoWriters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

// Origin is the origin the suite's logs use.
const Origin = "storetest.qingdan.local/ledger"

// NewLog opens a log with a fresh key over s and closes it at the end.
func NewLog(t testing.TB, s ledger.Store) *ledger.Log {
	t.Helper()
	return NewLogAt(t, s, nil)
}

// NewLogAt is NewLog with now as the log's clock (nil: the real time).
func NewLogAt(t testing.TB, s ledger.Store, now func() time.Time) *ledger.Log {
	t.Helper()
	key, _, err := ledger.NewKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(s, ledger.Config{Origin: Origin, Key: key, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Event returns a small test event numbered n.
func Event(n int) ledger.Event {
	return ledger.Event{Type: "test.appended", Actor: "tester", Dept: "test",
		Data: map[string]any{"n": n, "note": fmt.Sprintf("条目 %d", n)}}
}

// MustVerify fails the test unless the whole log verifies with size want.
func MustVerify(t testing.TB, l *ledger.Log, want int64) {
	t.Helper()
	rep, err := ledger.Verify(context.Background(), l.Store(), l.Origin(), l.Key().Verifier, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if rep.Size != want {
		t.Fatalf("verified size %d, want %d", rep.Size, want)
	}
}

func testAppendReadBack(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	ctx := context.Background()
	var bodies [][]byte
	for i := 0; i < 20; i++ {
		app, err := l.Append(ctx, Event(i))
		if err != nil {
			t.Fatal(err)
		}
		if app.Entry.Index != int64(i) {
			t.Fatalf("index %d, want %d", app.Entry.Index, i)
		}
		bodies = append(bodies, app.Body)
		MustVerify(t, l, int64(i+1))
	}
	n := 0
	err := s.ReadRecords(ctx, 0, -1, func(r ledger.Record) error {
		if string(r.Body) != string(bodies[n]) || ledger.LeafHash(r.Body) != r.Leaf {
			return fmt.Errorf("record %d: bytes or leaf hash differ from what was appended", n)
		}
		n++
		return nil
	})
	if err != nil || n != len(bodies) {
		t.Fatalf("read back %d records (%v), want %d", n, err, len(bodies))
	}
}

func testDuplicateIsConflict(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	ctx := context.Background()
	first, err := l.Append(ctx, Event(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, Event(1)); err != nil {
		t.Fatal(err)
	}
	second, _ := l.Append(ctx, Event(2))
	bad := map[string]ledger.Record{
		"duplicate index":       {Index: 0, Prev: tlog.Hash{}, Leaf: tlog.Hash{1}, Hashes: []tlog.Hash{{1}}, Type: "x", Body: []byte("{}")},
		"duplicate prev (fork)": {Index: 3, Prev: first.Receipt.LeafHash, Leaf: tlog.Hash{1}, Hashes: []tlog.Hash{{1}}, Type: "x", Body: []byte("{}")},
		"gap":                   {Index: 4, Prev: second.Receipt.LeafHash, Leaf: tlog.Hash{1}, Hashes: []tlog.Hash{{1}}, Type: "x", Body: []byte("{}")},
		"dangling prev":         {Index: 3, Prev: tlog.Hash{9}, Leaf: tlog.Hash{1}, Hashes: []tlog.Hash{{1}}, Type: "x", Body: []byte("{}")},
	}
	for name, rec := range bad {
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = tx.AddRecords(ctx, []ledger.Record{rec})
		tx.Rollback()
		if !errors.Is(err, ledger.ErrConflict) {
			t.Errorf("%s: got %v, want ErrConflict", name, err)
		}
	}
	MustVerify(t, l, 3)
}

func testRollbackLeavesNothing(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	ctx := context.Background()
	first, err := l.Append(ctx, Event(0))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec := ledger.Record{Index: 1, Prev: first.Receipt.LeafHash, Leaf: tlog.Hash{8}, Hashes: []tlog.Hash{{8}, {9}}, Type: "x", Body: []byte("{}")}
	steps := []error{
		tx.AddRecords(ctx, []ledger.Record{rec}),
		tx.AddCheckpoint(ctx, ledger.SignedCheckpoint{Size: 2, Note: []byte("x")}),
		tx.Rollback(),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if c, err := s.LatestCheckpoint(ctx); err != nil || c.Size != 1 {
		t.Fatalf("latest checkpoint size %d (%v), want 1", c.Size, err)
	}
	MustVerify(t, l, 1)
	if _, err := l.Append(ctx, Event(1)); err != nil {
		t.Fatalf("append after rollback: %v", err)
	}
	MustVerify(t, l, 2)
}

func testUpdateDeleteRefused(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	for i := 0; i < 3; i++ {
		if _, err := l.Append(context.Background(), Event(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`UPDATE {entries} SET type = 'forged' WHERE idx = 1`,
		`DELETE FROM {entries} WHERE idx = 2`,
		`UPDATE {entries} SET hashes = hashes WHERE idx = 0`,
		`UPDATE {checkpoints} SET note = note`,
		`DELETE FROM {checkpoints}`,
	} {
		if err := h.Exec(t, s, q); err == nil {
			t.Errorf("%s: got success, want refusal", q)
		}
	}
	MustVerify(t, l, 3)
}

func testConcurrentAppends(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	const workers, each = 64, 20
	receipts := make(chan *ledger.Appended, workers*each)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				app, err := l.Append(context.Background(), Event(w*each+i))
				if err != nil {
					t.Error(err)
					return
				}
				receipts <- app
			}
		}(w)
	}
	wg.Wait()
	close(receipts)
	seen := make(map[int64]bool)
	for app := range receipts {
		if seen[app.Entry.Index] {
			t.Fatalf("index %d handed out twice", app.Entry.Index)
		}
		seen[app.Entry.Index] = true
		if _, err := ledger.VerifyReceipt(app.Receipt, app.Body, l.Origin(), l.Key().Verifier); err != nil {
			t.Fatalf("receipt %d: %v", app.Entry.Index, err)
		}
	}
	for i := int64(0); i < workers*each; i++ {
		if !seen[i] {
			t.Fatalf("index %d never handed out", i)
		}
	}
	MustVerify(t, l, workers*each)
}

func testRejectedProjection(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	boom := errors.New("rule violated")
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ev := Event(i)
			if i%3 == 0 {
				ev.Project = func(context.Context, ledger.Tx, *ledger.Entry) error { return boom }
			}
			if i%7 == 0 {
				ev.Project = func(context.Context, ledger.Tx, *ledger.Entry) error { panic("projection bug") }
			}
			_, errs[i] = l.Append(context.Background(), ev)
		}(i)
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case i%7 == 0 && err == nil, i%3 == 0 && i%7 != 0 && !errors.Is(err, boom):
			t.Errorf("append %d: got %v, want its projection's error", i, err)
		case i%3 != 0 && i%7 != 0 && err != nil:
			t.Errorf("append %d: got %v, want success", i, err)
		case err == nil:
			ok++
		}
	}
	MustVerify(t, l, int64(ok))
}

// testUnguardedProjection: an Unguarded projection's Refuse refuses its
// entry alone; any other error of it fails its whole batch.
func testUnguardedProjection(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	ctx := context.Background()
	boom := errors.New("rule violated")
	unguarded := func(n int, err error) ledger.Event {
		ev := Event(n)
		ev.Unguarded = true
		ev.Project = func(context.Context, ledger.Tx, *ledger.Entry) error { return err }
		return ev
	}
	if _, err := l.Append(ctx, unguarded(0, ledger.Refuse(boom))); !errors.Is(err, boom) {
		t.Fatalf("refused: got %v, want its refusal", err)
	}
	if _, err := l.Append(ctx, unguarded(1, boom)); !errors.Is(err, boom) {
		t.Fatalf("failed: got %v, want its error", err)
	}
	if app, err := l.Append(ctx, unguarded(2, nil)); err != nil || app.Entry.Index != 0 {
		t.Fatalf("after them: got %v, %v; want index 0", app, err)
	}

	// A batch of six behind a held one, the third failing.
	started, release := make(chan struct{}), make(chan struct{})
	hold := Event(3)
	hold.Project = func(context.Context, ledger.Tx, *ledger.Entry) error {
		close(started)
		<-release
		return nil
	}
	go l.Append(ctx, hold)
	<-started
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		ev := unguarded(10+i, nil)
		if i == 2 {
			ev = unguarded(10+i, boom)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = l.Append(ctx, ev) }()
	}
	WaitQueued(t, l, len(errs))
	close(release)
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 2 && !errors.Is(err, boom):
			t.Errorf("append %d: got %v, want its projection's error", i, err)
		case err == nil:
			t.Errorf("append %d succeeded in a batch that an unguarded projection failed", i)
		}
	}
	MustVerify(t, l, 2) // entry 2 and the held one
}

// WaitQueued waits until n appends wait for l's appender (one held inside
// a batch keeps them waiting, so that they make the next batch together).
func WaitQueued(t testing.TB, l *ledger.Log, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); l.Queued() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d appends queued after 10 s, want %d", l.Queued(), n)
		}
	}
}

func testCancelledBeforeIndex(t *testing.T, h Harness) {
	s := h.New(t)
	l := NewLog(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Append(ctx, Event(0)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled append: got %v, want context.Canceled", err)
	}
	app, err := l.Append(context.Background(), Event(1))
	if err != nil {
		t.Fatal(err)
	}
	if app.Entry.Index != 0 {
		t.Fatalf("next index %d, want 0 (no hole)", app.Entry.Index)
	}
	MustVerify(t, l, 1)
}

// testTwoWriters runs two Logs over one store at once, as two processes
// sharing a database do: each keeps its own frontier and size in memory,
// so each batch must take the store's lock and read the head afresh.
// The result must be one chain with every receipt valid against it.
func testTwoWriters(t *testing.T, h Harness) {
	s := h.New(t)
	key, _, err := ledger.NewKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	logs := make([]*ledger.Log, 2)
	for i := range logs {
		if logs[i], err = ledger.Open(s, ledger.Config{Origin: Origin, Key: key, MaxBatch: 8}); err != nil {
			t.Fatal(err)
		}
		defer logs[i].Close()
	}
	const workers, each = 8, 25
	var mu sync.Mutex
	var got []*ledger.Appended
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			l := logs[w%len(logs)]
			for i := 0; i < each; i++ {
				app, err := l.Append(context.Background(), Event(w*each+i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, app)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	seen := make(map[int64]bool)
	for _, app := range got {
		if seen[app.Entry.Index] {
			t.Fatalf("index %d handed out twice", app.Entry.Index)
		}
		seen[app.Entry.Index] = true
		if _, err := ledger.VerifyReceipt(app.Receipt, app.Body, Origin, key.Verifier); err != nil {
			t.Fatalf("receipt %d: %v", app.Entry.Index, err)
		}
	}
	MustVerify(t, logs[0], workers*each)
	rep, err := ledger.Verify(context.Background(), s, Origin, key.Verifier, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, app := range got {
		if err := InFinalLog(context.Background(), s, app, Origin, key.Verifier); err != nil {
			t.Fatalf("receipt %d against the final log (size %d): %v", app.Entry.Index, rep.Size, err)
		}
	}
}

// InFinalLog checks an acknowledged append against the log as stored now:
// the receipt verifies, the stored entry at its index has its bytes, and
// the tree the store holds has, at the receipt checkpoint's size, that
// checkpoint's root (so the receipt's tree is a prefix of today's).
func InFinalLog(ctx context.Context, s ledger.Reader, app *ledger.Appended, origin string, v note.Verifier) error {
	cp, err := ledger.VerifyReceipt(app.Receipt, app.Body, origin, v)
	if err != nil {
		return err
	}
	var stored []byte
	err = s.ReadRecords(ctx, app.Receipt.Index, app.Receipt.Index+1, func(r ledger.Record) error {
		stored = r.Body
		return nil
	})
	if err != nil {
		return err
	}
	if string(stored) != string(app.Body) {
		return fmt.Errorf("entry %d as stored differs from the acknowledged bytes", app.Receipt.Index)
	}
	root, err := tlog.TreeHash(cp.Size, tlog.HashReaderFunc(func(xs []int64) ([]tlog.Hash, error) {
		return s.ReadHashes(ctx, xs)
	}))
	if err != nil {
		return err
	}
	if root != cp.Root {
		return fmt.Errorf("the stored tree of size %d has root %s, the receipt's checkpoint %s", cp.Size, root, cp.Root)
	}
	return nil
}
