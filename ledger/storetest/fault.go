package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"qingdan/ledger"
)

// ErrInjected is the error a FaultStore returns for an injected fault.
var ErrInjected = errors.New("storetest: injected fault")

// Op is a write operation of a ledger.Store that a FaultStore can fail.
type Op int

// The operations a FaultStore can fail.
const (
	OpBegin Op = iota
	OpAddRecords
	OpAddCheckpoint
	OpCommit
)

func (o Op) String() string {
	switch o {
	case OpBegin:
		return "Begin"
	case OpAddRecords:
		return "AddRecords"
	case OpAddCheckpoint:
		return "AddCheckpoint"
	case OpCommit:
		return "Commit"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Mode says whether a fault strikes before or after the inner store acts.
type Mode int

// The fault modes.
const (
	// FailBefore returns the error without calling the inner store:
	// the operation failed and nothing of it was done. A failed Commit
	// leaves the inner transaction open, as a database that refused a
	// commit may, so the caller must still roll it back.
	FailBefore Mode = iota
	// FailAfter calls the inner store, then returns the error: the
	// operation was done but its caller is told it failed. A Begin done so
	// is rolled back at once (a store must not hold its lock for a
	// transaction it reported failed); a Commit done so is persisted.
	FailAfter
)

func (m Mode) String() string {
	if m == FailBefore {
		return "FailBefore"
	}
	return "FailAfter"
}

// FaultStore wraps a ledger.Store and fails the operations it is told to,
// once each. Reads pass through. It is safe for concurrent use. The
// transactions it returns wrap the inner ones, so a projection that needs
// the inner store's own Tx type cannot run through it.
type FaultStore struct {
	ledger.Store
	mu    sync.Mutex
	armed map[Op]Mode
	fired []Op
}

var _ ledger.Store = (*FaultStore)(nil)

// NewFaultStore returns a FaultStore over s with no fault armed.
func NewFaultStore(s ledger.Store) *FaultStore {
	return &FaultStore{Store: s, armed: make(map[Op]Mode)}
}

// Inject arms one fault: the next call of op fails in mode.
func (f *FaultStore) Inject(op Op, mode Mode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed[op] = mode
}

// Fired returns the operations whose faults have struck, in order.
func (f *FaultStore) Fired() []Op {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Op(nil), f.fired...)
}

// take disarms op's fault and reports whether it was armed, and how.
func (f *FaultStore) take(op Op) (Mode, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.armed[op]
	if ok {
		delete(f.armed, op)
		f.fired = append(f.fired, op)
	}
	return m, ok
}

// run performs do, the inner store's op, with the fault armed for op.
func (f *FaultStore) run(op Op, do func() error) error {
	m, armed := f.take(op)
	if armed && m == FailBefore {
		return fmt.Errorf("%w: %s failed before the store", ErrInjected, op)
	}
	if err := do(); err != nil {
		return err
	}
	if armed {
		return fmt.Errorf("%w: %s failed after the store", ErrInjected, op)
	}
	return nil
}

// Begin implements ledger.Store.
func (f *FaultStore) Begin(ctx context.Context) (ledger.Tx, error) {
	var inner ledger.Tx
	err := f.run(OpBegin, func() error {
		var err error
		inner, err = f.Store.Begin(ctx)
		return err
	})
	if err != nil {
		if inner != nil {
			inner.Rollback()
		}
		return nil, err
	}
	return &faultTx{Tx: inner, f: f}, nil
}

// faultTx is a transaction of a FaultStore.
type faultTx struct {
	ledger.Tx
	f *FaultStore
}

func (t *faultTx) AddRecords(ctx context.Context, recs []ledger.Record) error {
	return t.f.run(OpAddRecords, func() error { return t.Tx.AddRecords(ctx, recs) })
}

func (t *faultTx) AddCheckpoint(ctx context.Context, c ledger.SignedCheckpoint) error {
	return t.f.run(OpAddCheckpoint, func() error { return t.Tx.AddCheckpoint(ctx, c) })
}

func (t *faultTx) Commit() error {
	return t.f.run(OpCommit, t.Tx.Commit)
}
