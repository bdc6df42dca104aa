// Package pgtest gives tests a fresh PostgreSQL schema of their own, and
// runs a test on both backends. PostgreSQL tests run when
// QINGDAN_TEST_POSTGRES holds a postgres:// URL; without it they are
// skipped, unless QINGDAN_REQUIRE_POSTGRES=1 (CI), which makes a missing
// or unreachable PostgreSQL a failure.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Environment variables that configure PostgreSQL tests.
const (
	EnvURL     = "QINGDAN_TEST_POSTGRES"
	EnvRequire = "QINGDAN_REQUIRE_POSTGRES"
)

// Backend names, also the names of the subtests Backends runs.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// unavailable skips the test, or fails it when PostgreSQL is required.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("PostgreSQL is required (%s=1) but %s", EnvRequire, why)
	}
	t.Skipf("PostgreSQL tests skipped: %s", why)
}

// URL returns the server's URL, skipping (or failing) the test without one.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		unavailable(t, EnvURL+" is not set")
	}
	return u
}

// Schema creates an empty schema for the test, dropped when it ends, and
// returns a URL whose connections use it (search_path). Tests sharing one
// database therefore never see each other's tables.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		unavailable(t, err.Error())
	}
	if err := admin.PingContext(context.Background()); err != nil {
		admin.Close()
		unavailable(t, "cannot reach it: "+err.Error())
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "qdtest_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + name); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + name + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return WithSchema(t, base, name)
}

// WithSchema returns base with its search_path set to schema.
func WithSchema(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backends runs fn as two subtests, "sqlite" and "postgres"; the second
// is skipped without PostgreSQL (see the package comment). Helpers that
// open a database ask Is which one to open.
func Backends(t *testing.T, fn func(t *testing.T)) {
	t.Run(SQLite, fn)
	t.Run(Postgres, func(t *testing.T) {
		URL(t)
		fn(t)
	})
}

// Is reports whether t runs under the "postgres" subtest of Backends.
func Is(t testing.TB) bool {
	parts := strings.Split(t.Name(), "/")
	for _, p := range parts[1:] {
		if p == Postgres {
			return true
		}
	}
	return false
}
