package policy

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"qingdan/data/pgtest"
)

// openDB opens (creating) the SQLite file path the way the service's
// writer does: one connection, WAL, a busy timeout; or, when path is a
// postgres:// URL (the "postgres" subtest of pgtest.Backends), that
// PostgreSQL schema with a pool of connections.
func openDB(tb testing.TB, path string) *gorm.DB {
	tb.Helper()
	if strings.HasPrefix(path, "postgres://") {
		db, err := gorm.Open(postgres.Open(path), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		if err != nil {
			tb.Fatalf("open PostgreSQL: %v", err)
		}
		sqlDB, _ := db.DB()
		sqlDB.SetMaxOpenConns(8)
		tb.Cleanup(func() { sqlDB.Close() })
		return db
	}
	dsn := "file:" + path + "?_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	sqlDB.SetMaxOpenConns(1)
	tb.Cleanup(func() { sqlDB.Close() })
	return db
}

// newEnforcer returns an enforcer on a fresh database and where it is (a
// file, or a PostgreSQL URL under pgtest.Backends' "postgres" subtest).
func newEnforcer(tb testing.TB) (*Enforcer, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "policy.db")
	if pgtest.Is(tb) {
		path = pgtest.Schema(tb)
	}
	return enforcerOn(tb, path), path
}

// enforcerOn returns an enforcer on the database file path.
func enforcerOn(tb testing.TB, path string) *Enforcer {
	tb.Helper()
	e, err := New(openDB(tb, path))
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return e
}

func mustGrant(tb testing.TB, e *Enforcer, user, role, dept string) {
	tb.Helper()
	if err := e.Grant(user, role, dept); err != nil {
		tb.Fatalf("Grant(%s, %s, %s) = %v, want nil", user, role, dept, err)
	}
}

func mustAllowed(tb testing.TB, e *Enforcer, user, dept, obj, act string) bool {
	tb.Helper()
	ok, err := e.Allowed(user, dept, obj, act)
	if err != nil {
		tb.Fatalf("Allowed(%s, %s, %s, %s): %v", user, dept, obj, act, err)
	}
	return ok
}

func errorIs(err, target error) bool { return errors.Is(err, target) }
