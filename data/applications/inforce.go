package applications

import (
	"sync"

	"qingdan/ledger"
)

// inForceMemo remembers, across the writer's batches, which (service,
// power) pairs the append transaction found in force, so that a stream of
// submissions does not query the lists for each one (a measurable share
// of the single writer's time per submission: docs/benchmarks.md).
//
// It is valid only while nothing else has been appended: the memo is
// trusted for the entry at index k only if the entry at k-1 was an
// application entry projected through this memo in a transaction that has
// not failed since. Any other entry — a list change above all, on this
// server or another replica, since ledger indexes are one sequence — breaks
// that chain and the memo is cleared; so does any batch rolled back or
// failing to commit (LedgerStore.failures), because what was read inside
// it may not have happened. Replay does not use it.
type inForceMemo struct {
	mu       sync.Mutex
	at       int64 // index of the last application entry projected with the memo
	failures int64 // the store's failure count when the chain began
	pairs    map[[2]string]bool
}

// maxMemoPairs bounds the memo; past it, it starts again.
const maxMemoPairs = 20_000

// begin validates the memo for the entry about to be projected, failures
// being the store's count of failed transactions (store.Failures).
func (m *inForceMemo) begin(failures int64, e *ledger.Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pairs == nil || m.at != e.Index-1 || m.failures != failures || len(m.pairs) > maxMemoPairs {
		m.pairs = map[[2]string]bool{}
		m.failures = failures
		m.at = -2
	}
}

// check runs inForce for the pair unless it was found in force earlier in
// the chain, and remembers the pair when it is.
func (m *inForceMemo) check(service, power string, inForce func() error) error {
	key := [2]string{service, power}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pairs[key] {
		return nil
	}
	if err := inForce(); err != nil {
		return err
	}
	m.pairs[key] = true
	return nil
}

// projected extends the chain by the application entry just projected.
func (m *inForceMemo) projected(e *ledger.Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.at = e.Index
}
