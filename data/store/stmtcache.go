package store

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// go-sqlite3 parses (sqlite3_prepare_v2) and finalizes every statement
// that database/sql runs without an explicit Prepare — each GORM Exec,
// Raw and Scan. On the one writer connection, where every projection runs
// the same few dozen statements inside the append's transaction, parsing
// was about a tenth of the server's CPU under a stream of submissions.
// GORM's PrepareStmt cannot help there: a statement it prepares inside a
// transaction is bound to that transaction and closed at its end. So the
// connections keep their own statements, keyed by the SQL text.
//
// Only single statements that cannot leave a row pending are kept: a
// statement executed with Exec is stepped once and not reset until its next
// use, so it must finish in one step (INSERT, UPDATE, DELETE without
// RETURNING; SAVEPOINT, RELEASE, ROLLBACK TO); a query is reset when its
// rows are closed. Anything else (PRAGMA, several statements in one
// string, DDL) goes to go-sqlite3 as before.

// maxCachedStatements bounds one connection's statements; past it the
// connection starts afresh.
const maxCachedStatements = 256

// cachingDriver opens go-sqlite3 connections that keep their statements.
type cachingDriver struct {
	*sqlite3.SQLiteDriver
}

func (d cachingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := d.SQLiteDriver.Open(dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{SQLiteConn: c.(*sqlite3.SQLiteConn)}, nil
}

// cachingConn is one connection and its kept statements. database/sql
// hands a connection to one goroutine at a time, so the map needs no lock.
type cachingConn struct {
	*sqlite3.SQLiteConn
	stmts map[string]driver.Stmt
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s, ok := c.stmts[query]; ok { // kept, so already found keepable
		return s.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	if !keepsForExec(query) {
		return c.SQLiteConn.ExecContext(ctx, query, args)
	}
	s, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if s, ok := c.stmts[query]; ok {
		return s.(driver.StmtQueryContext).QueryContext(ctx, args)
	}
	if !keepsForQuery(query) {
		return c.SQLiteConn.QueryContext(ctx, query, args)
	}
	s, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// statement returns the kept statement for query, preparing it once.
func (c *cachingConn) statement(ctx context.Context, query string) (driver.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.SQLiteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil || len(c.stmts) >= maxCachedStatements {
		c.closeStatements()
		c.stmts = make(map[string]driver.Stmt)
	}
	c.stmts[query] = s
	return s, nil
}

func (c *cachingConn) closeStatements() {
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = nil
}

func (c *cachingConn) Close() error {
	c.closeStatements()
	return c.SQLiteConn.Close()
}

// keepsForExec: one data-changing statement, or a savepoint command.
func keepsForExec(query string) bool {
	head, ok := singleStatement(query)
	if !ok {
		return false
	}
	switch {
	case hasPrefixFold(head, "INSERT"), hasPrefixFold(head, "UPDATE"), hasPrefixFold(head, "DELETE"):
		return !containsFold(head, "RETURNING")
	case hasPrefixFold(head, "SAVEPOINT"), hasPrefixFold(head, "RELEASE"), hasPrefixFold(head, "ROLLBACK TO"):
		return true
	}
	return false
}

// keepsForQuery: one SELECT.
func keepsForQuery(query string) bool {
	head, ok := singleStatement(query)
	return ok && hasPrefixFold(head, "SELECT")
}

// singleStatement returns query without surrounding space and a final
// semicolon, and whether no other semicolon is left in it.
func singleStatement(query string) (string, bool) {
	q := strings.TrimSuffix(strings.TrimSpace(query), ";")
	return q, !strings.Contains(q, ";")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), sub)
}
