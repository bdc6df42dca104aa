package data

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"

	"qingdan/ledger"
)

// inForceMemo remembers, across the writer's batches, which (service,
// power) pairs the append transaction found in force, so that a stream of
// submissions does not query the lists for each one (13 µs of the single
// writer's ~90 µs per submission, docs/benchmarks.md).
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

// begin validates the memo for the entry about to be projected.
func (m *inForceMemo) begin(tx ledger.Tx, e *ledger.Entry) {
	failures := tx.(*ledgerTx).s.failures.Load()
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

// inForce is the one in-force check of a code that something refers to
// (a service, a power, a department): status is its list row's status,
// not Valid when no row has the code. A code not on its list is a
// ValidationError on field; one repealed is ErrNotInForce.
func inForce(status sql.NullString, code, field string) error {
	switch {
	case !status.Valid:
		return &ValidationError{Fields: map[string]string{field: fmt.Sprintf("%q is not on the list", code)}}
	case status.String != StatusInForce:
		return fmt.Errorf("%w: %s: %q is repealed", ErrNotInForce, field, code)
	}
	return nil
}

// listed is the status of a row found (sql.NullString{} stands for none).
func listed(status string) sql.NullString { return sql.NullString{String: status, Valid: true} }

// TakesApplications is the one rule for which services take applications
// (清单之外不得实施): a service in force that implements a power. A pure
// public service (category GG, no power) takes none: no official may
// decide on it. Whether that power is in force is checked with it
// (Submit, and serviceTakesApplications inside the append). The
// application page and the API both ask this.
func TakesApplications(service, status, power string) error {
	if err := inForce(listed(status), service, "service_code"); err != nil {
		return err
	}
	if power == "" {
		return &ValidationError{Fields: map[string]string{"service_code": fmt.Sprintf(
			"%q implements no power (a public service) and takes no applications", service)}}
	}
	return nil
}

// serviceTakesApplications checks, in one query inside a submission's
// append transaction, that the service is listed, takes applications
// (TakesApplications) and still implements power, and that power is in
// force. Replay checks less (serviceInForce), so that submissions recorded
// before this rule still replay.
func serviceTakesApplications(tx *gorm.DB, service, power string) error {
	var status, implements, powerStatus sql.NullString
	err := queryRowSQL(tx, `SELECT s.status, s.power_code, (SELECT status FROM powers WHERE code = s.power_code)
		FROM services s WHERE s.code = ?`, service).Scan(&status, &implements, &powerStatus)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return inForce(sql.NullString{}, service, "service_code")
	case err != nil:
		return err
	}
	if err := TakesApplications(service, status.String, implements.String); err != nil {
		return err
	}
	if implements.String != power { // the service was re-linked since its terms were read
		return fmt.Errorf("%w: service_code: %q now implements %q", ErrNotInForce, service, implements.String)
	}
	return inForce(powerStatus, power, "power_code")
}
