package store

import (
	"context"
	"strings"
	"testing"

	"qingdan/data/pgtest"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// openTestDB opens a fresh database: SQLite in a temporary folder, or,
// under the "postgres" subtest of pgtest.Backends, a schema of its own in
// the test PostgreSQL.
func openTestDB(t testing.TB) *DB {
	t.Helper()
	var db *DB
	var err error
	if pgtest.Is(t) {
		db, err = OpenPostgres(context.Background(), pgtest.Schema(t))
	} else {
		db, err = OpenSQLite(context.Background(), t.TempDir())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newTestStore(t testing.TB, name string) (*DB, *LedgerStore) {
	t.Helper()
	db := openTestDB(t)
	s, err := NewLedgerStore(db, name)
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

func sqliteHarness() storetest.Harness {
	return storetest.Harness{
		New: func(t *testing.T) ledger.Store { _, s := newTestStore(t, MainLog); return s },
		Exec: func(t *testing.T, s ledger.Store, q string) error {
			ls := s.(*LedgerStore)
			q = strings.NewReplacer("{entries}", ls.entries, "{checkpoints}", ls.checkpoints).Replace(q)
			_, err := ls.db.SQLWriter().Exec(q)
			return err
		},
	}
}

func TestSQLiteConformance(t *testing.T) { storetest.Run(t, sqliteHarness()) }

func postgresHarness() storetest.Harness {
	return storetest.Harness{
		New: func(t *testing.T) ledger.Store {
			db, err := OpenPostgres(context.Background(), pgtest.Schema(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			s, err := NewLedgerStore(db, MainLog)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Exec: sqliteHarness().Exec,
	}
}

func TestPostgresConformance(t *testing.T) {
	pgtest.URL(t)
	storetest.Run(t, postgresHarness())
}
