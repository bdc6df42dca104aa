// Package datatest opens the databases and ledgers the data domains' tests
// run against: SQLite in a temporary folder, or, under the "postgres"
// subtest of pgtest.Backends, a schema of its own in the test PostgreSQL.
package datatest

import (
	"context"
	"testing"

	"qingdan/data/pgtest"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// OpenDB opens a fresh database, closed when the test ends.
func OpenDB(t testing.TB) *store.DB {
	t.Helper()
	var db *store.DB
	var err error
	if pgtest.Is(t) {
		db, err = store.OpenPostgres(context.Background(), pgtest.Schema(t))
	} else {
		db, err = store.OpenSQLite(context.Background(), t.TempDir())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewStore opens a fresh database and the ledger store of the log name.
func NewStore(t testing.TB, name string) (*store.DB, *store.LedgerStore) {
	t.Helper()
	db := OpenDB(t)
	s, err := store.NewLedgerStore(db, name)
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

// NewLog opens a fresh database and the main log over it.
func NewLog(t testing.TB) (*store.DB, *ledger.Log) {
	t.Helper()
	db, s := NewStore(t, store.MainLog)
	return db, storetest.NewLog(t, s)
}

// MatchReplay fails the test unless the tables of ps in db equal a replay
// of the log into a fresh database.
func MatchReplay(t testing.TB, db *store.DB, l *ledger.Log, ps *store.Projectors) {
	t.Helper()
	diffs, err := store.CheckProjections(context.Background(), l.Store(), db, ps)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}
