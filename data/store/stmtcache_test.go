package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

func TestKeptStatements(t *testing.T) {
	cases := []struct {
		sql         string
		exec, query bool
	}{
		{"INSERT INTO t (a) VALUES (?)", true, false},
		{"  update t SET a = ? WHERE b = ?;  ", true, false},
		{"DELETE FROM t", true, false},
		{"INSERT INTO t (a) VALUES (?) RETURNING id", false, false},
		{"SAVEPOINT entry", true, false},
		{"RELEASE SAVEPOINT entry", true, false},
		{"ROLLBACK TO SAVEPOINT entry", true, false},
		{"SELECT a FROM t WHERE b = ?", false, true},
		{"select 1", false, true},
		{"PRAGMA wal_checkpoint(TRUNCATE)", false, false},
		{"CREATE TABLE x (a)", false, false},
		{"INSERT INTO t VALUES (1); DELETE FROM t", false, false},
		{"SELECT 1; SELECT 2", false, false},
	}
	for _, c := range cases {
		if got := keepsForExec(c.sql); got != c.exec {
			t.Errorf("keepsForExec(%q) = %v", c.sql, got)
		}
		if got := keepsForQuery(c.sql); got != c.query {
			t.Errorf("keepsForQuery(%q) = %v", c.sql, got)
		}
	}
}

// TestKeptStatementsOnARealFile runs the writer's driver through what the
// appender does — transactions, savepoints rolled back and released,
// failing statements, half-read queries — and more distinct statements
// than a connection keeps, and checks every row.
func TestKeptStatementsOnARealFile(t *testing.T) {
	registerDrivers()
	db, err := sql.Open(writerDriver, sqliteDSN(filepath.Join(t.TempDir(), "kept.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			a := round*100 + i
			sqlExec(t, tx, `SAVEPOINT entry`)
			sqlExec(t, tx, `INSERT INTO t (a, b) VALUES (?, ?)`, a, "x")
			if i%3 == 0 { // a failing statement, then the entry is undone
				if _, err := tx.Exec(`INSERT INTO t (a, b) VALUES (?, ?)`, a, nil); err == nil {
					t.Fatal("NOT NULL violation accepted")
				}
				sqlExec(t, tx, `ROLLBACK TO SAVEPOINT entry`)
			}
			sqlExec(t, tx, `RELEASE SAVEPOINT entry`)
		}
		rows, err := tx.Query(`SELECT a FROM t ORDER BY a`) // read one row only
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		rows.Close()
		if err := tx.Commit(); err != nil {
			t.Fatalf("round %d: commit after a half-read query: %v", round, err)
		}
	}
	for i := range maxCachedStatements + 10 { // more statements than kept
		sqlExec(t, db, fmt.Sprintf(`UPDATE t SET b = 'y%d' WHERE a = ?`, i), i%10)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t WHERE a % 10 IN (1, 2, 4, 5, 7, 8)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	var all int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	if n != 18 || all != 18 {
		t.Fatalf("kept rows: %d of %d, want the 18 entries not rolled back", n, all)
	}
}

type execer interface {
	Exec(string, ...any) (sql.Result, error)
}

func sqlExec(t *testing.T, db execer, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
