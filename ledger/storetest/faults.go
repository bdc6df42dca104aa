package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qingdan/ledger"
)

// RunFaults runs a Log over a FaultStore around each of h's stores and
// fails every write operation once in every mode. A batch of concurrent
// appends meets the fault; after every step the whole log verifies,
// every receipt handed out is in the stored log, the callers told of an
// error have no entry (or, when the commit was done but reported failed,
// all have theirs), and the next append continues after what is stored.
func RunFaults(t *testing.T, h Harness) {
	for _, op := range []Op{OpBegin, OpAddRecords, OpAddCheckpoint, OpCommit} {
		for _, mode := range []Mode{FailBefore, FailAfter} {
			t.Run(op.String()+"/"+mode.String(), func(t *testing.T) { testFault(t, h, op, mode) })
		}
	}
}

// faultRun is the state of one fault test: the log and what each caller,
// numbered by its event, was told.
type faultRun struct {
	fs        *FaultStore
	l         *ledger.Log
	key       *ledger.Key
	persisted bool // the faulty batch was committed all the same
	arm       atomic.Bool
	op        Op
	mode      Mode
	mu        sync.Mutex
	got       map[int]*ledger.Appended
	failed    map[int]error
	retried   map[int]bool
}

func testFault(t *testing.T, h Harness, op Op, mode Mode) {
	r := newFaultRun(t, h, op, mode)
	r.appendAll(t, 0, 6, false)
	r.check(t)
	r.faultyBatch(t, 6, 12)
	if got := r.fs.Fired(); len(got) != 1 || got[0] != op {
		t.Fatalf("faults fired: got %v, want [%v]", got, op)
	}
	if len(r.failed) != 6 {
		t.Fatalf("failed appends: got %d, want the faulty batch's 6", len(r.failed))
	}
	r.check(t)
	r.nextContinues(t, 12)
	r.check(t)
	r.retry(t)
	r.check(t)
	r.appendAll(t, 20, 26, false)
	r.check(t)
}

func newFaultRun(t *testing.T, h Harness, op Op, mode Mode) *faultRun {
	key, _, err := ledger.NewKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	r := &faultRun{fs: NewFaultStore(h.New(t)), key: key, op: op, mode: mode,
		persisted: op == OpCommit && mode == FailAfter,
		got:       map[int]*ledger.Appended{}, failed: map[int]error{}, retried: map[int]bool{}}
	// OnBatch runs on the appender between two batches: the fault armed
	// there strikes the next batch and no other.
	onBatch := func(int, time.Duration) {
		if r.arm.CompareAndSwap(true, false) {
			r.fs.Inject(op, mode)
		}
	}
	r.l, err = ledger.Open(r.fs, ledger.Config{Origin: Origin, Key: key, OnBatch: onBatch})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.l.Close() })
	return r
}

// appendAll appends events from ≤ n < to concurrently; with mayFail
// false every one must succeed.
func (r *faultRun) appendAll(t *testing.T, from, to int, mayFail bool) {
	t.Helper()
	var wg sync.WaitGroup
	for n := from; n < to; n++ {
		wg.Add(1)
		go func() { defer wg.Done(); r.append(n) }()
	}
	wg.Wait()
	if mayFail {
		return
	}
	for n := from; n < to; n++ {
		if err := r.failed[n]; err != nil {
			t.Fatalf("append %d: %v", n, err)
		}
	}
}

func (r *faultRun) append(n int) {
	app, err := r.l.Append(context.Background(), Event(n))
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.failed[n] = err
		return
	}
	delete(r.failed, n)
	r.got[n] = app
}

// faultyBatch makes the events from ≤ n < to one batch, queued behind a
// held one, and arms the fault for it.
func (r *faultRun) faultyBatch(t *testing.T, from, to int) {
	t.Helper()
	started, release := make(chan struct{}), make(chan struct{})
	hold := Event(1000)
	hold.Project = func(context.Context, ledger.Tx, *ledger.Entry) error {
		close(started)
		<-release
		return nil
	}
	held := make(chan error, 1)
	go func() {
		app, err := r.l.Append(context.Background(), hold)
		r.mu.Lock()
		r.got[1000] = app
		r.mu.Unlock()
		held <- err
	}()
	<-started
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.appendAll(t, from, to, true) }()
	WaitQueued(t, r.l, to-from)
	r.arm.Store(true)
	close(release)
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatalf("the held append before the fault: %v", err)
	}
	for n, err := range r.failed {
		if !errors.Is(err, ErrInjected) {
			t.Errorf("append %d: got %v, want the injected fault", n, err)
		}
	}
}

// nextContinues appends event n alone: it must take the index after the
// last stored entry, whatever the callers of the faulty batch were told.
func (r *faultRun) nextContinues(t *testing.T, n int) {
	t.Helper()
	size := r.verify(t)
	r.append(n)
	if err := r.failed[n]; err != nil {
		t.Fatalf("append after the fault: %v", err)
	}
	if got := r.got[n].Entry.Index; got != size {
		t.Fatalf("append after the fault: index %d, want %d (the stored size)", got, size)
	}
}

// retry appends again, concurrently, every event whose caller was told
// it failed. A caller cannot tell a commit that failed from one that was
// done but reported failed, so after the latter its retry is a second
// entry with the same data: the log stays valid and holds both.
func (r *faultRun) retry(t *testing.T) {
	t.Helper()
	var failed []int
	for n := range r.failed {
		failed = append(failed, n)
	}
	var wg sync.WaitGroup
	for _, n := range failed {
		r.retried[n] = true
		wg.Add(1)
		go func() { defer wg.Done(); r.append(n) }()
	}
	wg.Wait()
	for n, err := range r.failed {
		t.Fatalf("retry of %d: %v", n, err)
	}
}

// verify checks the whole stored log and returns its size.
func (r *faultRun) verify(t *testing.T) int64 {
	t.Helper()
	rep, err := ledger.Verify(context.Background(), r.fs, Origin, r.key.Verifier, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep.Size
}

// check is the invariant after every step: the log verifies; every
// receipt is in it, at an index of its own; and each event is stored as
// often as its callers were told it was, a commit reported failed but
// done aside.
func (r *faultRun) check(t *testing.T) {
	t.Helper()
	size := r.verify(t)
	ctx := context.Background()
	indexes := map[int64]int{}
	for n, app := range r.got {
		if other, dup := indexes[app.Entry.Index]; dup {
			t.Fatalf("events %d and %d both got index %d", n, other, app.Entry.Index)
		}
		indexes[app.Entry.Index] = n
		if err := InFinalLog(ctx, r.fs, app, Origin, r.key.Verifier); err != nil {
			t.Fatalf("receipt of event %d: %v", n, err)
		}
	}
	stored := r.storedEvents(t)
	total := 0
	for n, count := range stored {
		total += count
		if want := r.wantStored(n); count != want {
			t.Errorf("event %d stored %d times, want %d", n, count, want)
		}
	}
	for n := range r.failed {
		if stored[n] != r.wantStored(n) {
			t.Errorf("failed event %d stored %d times, want %d", n, stored[n], r.wantStored(n))
		}
	}
	if int64(total) != size {
		t.Fatalf("%d events stored, verified size %d", total, size)
	}
}

// wantStored is how many entries event n should have.
func (r *faultRun) wantStored(n int) int {
	_, ok := r.got[n]
	_, failed := r.failed[n]
	switch {
	case r.persisted && r.retried[n]:
		return 2
	case ok || (r.persisted && failed):
		return 1
	}
	return 0
}

// storedEvents counts the stored entries of each event number.
func (r *faultRun) storedEvents(t *testing.T) map[int]int {
	t.Helper()
	counts := map[int]int{}
	err := r.fs.ReadRecords(context.Background(), 0, -1, func(rec ledger.Record) error {
		e, err := ledger.Decode(rec.Body)
		if err != nil {
			return err
		}
		var d struct{ N int }
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return err
		}
		counts[d.N]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}
