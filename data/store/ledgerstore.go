package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/mod/sumdb/tlog"
	"gorm.io/gorm"

	"qingdan/ledger"
)

// Log names: the public ledger and the security log (等保 2.0 audit trail).
const (
	MainLog     = "ledger"
	SecurityLog = "seclog"
)

// LedgerStore is the SQL implementation of ledger.Store for one log. Its
// tables are <name>_entries (each row with the tlog stored hashes its
// append added) and <name>_checkpoints, created by migrations and guarded
// by append-only and chain triggers. On PostgreSQL the log's row in
// ledger_head is its append lock.
type LedgerStore struct {
	db                   *DB
	name                 string
	entries, checkpoints string

	prepareOnce sync.Once
	prepared    writeStmts
	prepareErr  error

	// failures counts batch transactions rolled back or failing to
	// commit: what a projection remembered from inside one of them may
	// not have happened (see inForceMemo).
	failures atomic.Int64
}

// writeStmts are the batch statements, prepared once on the writer.
type writeStmts struct {
	head, last, entries, checkpoint *sql.Stmt
}

func (s *LedgerStore) statements() (*writeStmts, error) {
	s.prepareOnce.Do(func() {
		w := s.db.SQLWriter()
		p := func(q string) *sql.Stmt {
			st, err := w.Prepare(s.db.Rebind(q))
			if err != nil && s.prepareErr == nil {
				s.prepareErr = fmt.Errorf("data: prepare: %w", err)
			}
			return st
		}
		var head *sql.Stmt
		entries := `INSERT INTO ` + s.entries + ` (` + recordColumns + `) VALUES (?, ?, ?, ?, ?)`
		if s.db.Dialect == DialectPostgres {
			head = p(`SELECT log FROM ledger_head WHERE log = ? FOR UPDATE`)
			// a batch in one statement: one round trip
			entries = `INSERT INTO ` + s.entries + ` (` + recordColumns + `)
				SELECT i, p, h, t, b FROM unnest(?::bigint[], ?::bytea[], ?::bytea[], ?::text[], ?::bytea[])
				WITH ORDINALITY AS r(i, p, h, t, b, n) ORDER BY n`
		}
		s.prepared = writeStmts{
			head:       head,
			entries:    p(entries),
			last:       p(`SELECT ` + recordColumns + ` FROM ` + s.entries + ` ORDER BY idx DESC LIMIT 1`),
			checkpoint: p(`INSERT INTO ` + s.checkpoints + ` (size, note) VALUES (?, ?)`),
		}
	})
	return &s.prepared, s.prepareErr
}

var _ ledger.Store = (*LedgerStore)(nil)

// NewLedgerStore returns the store of the log called name (MainLog or
// SecurityLog).
func NewLedgerStore(db *DB, name string) (*LedgerStore, error) {
	if name != MainLog && name != SecurityLog {
		return nil, fmt.Errorf("data: unknown log %q", name)
	}
	return &LedgerStore{db: db, name: name, entries: name + "_entries", checkpoints: name + "_checkpoints"}, nil
}

// Querier is what *sql.DB and *sql.Tx share.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// recordColumns are the columns of a ledger.Record, in scan order.
const recordColumns = `idx, prev, hashes, type, body`

// ReadHashes implements ledger.Reader.
func (s *LedgerStore) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db.SQLReader(), s.db.Rebind, s.entries, indexes)
}

// readHashes reads stored hashes from the rows of the entries that stored
// them.
func readHashes(ctx context.Context, q Querier, rebind func(string) string, table string, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(indexes))
	for _, x := range indexes {
		e, _ := ledger.StoredHashLocation(x)
		args = append(args, e)
	}
	rows, err := q.QueryContext(ctx, rebind(`SELECT idx, hashes FROM `+table+` WHERE idx IN (`+placeholders(len(args))+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("data: read hashes: %w", err)
	}
	defer rows.Close()
	byEntry := make(map[int64][]byte, len(args))
	for rows.Next() {
		var idx int64
		var raw []byte
		if err := rows.Scan(&idx, &raw); err != nil {
			return nil, fmt.Errorf("data: read hashes: %w", err)
		}
		byEntry[idx] = raw
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: read hashes: %w", err)
	}
	return pickHashes(indexes, byEntry)
}

func pickHashes(indexes []int64, byEntry map[int64][]byte) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		e, pos := ledger.StoredHashLocation(x)
		raw := byEntry[e]
		if (pos+1)*tlog.HashSize > len(raw) {
			return nil, fmt.Errorf("%w: stored hash %d", ledger.ErrNotFound, x)
		}
		copy(out[i][:], raw[pos*tlog.HashSize:])
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func hashOf(raw []byte) tlog.Hash {
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

// ReadRecords implements ledger.Reader.
func (s *LedgerStore) ReadRecords(ctx context.Context, start, end int64, fn func(ledger.Record) error) error {
	q := `SELECT ` + recordColumns + ` FROM ` + s.entries + ` WHERE idx >= ?`
	args := []any{start}
	if end >= 0 {
		q += ` AND idx < ?`
		args = append(args, end)
	}
	// go-sqlite3 runs every Next of a cancellable query in a goroutine of
	// its own; query without cancellation and check ctx between rows.
	rows, err := s.db.SQLReader().QueryContext(context.WithoutCancel(ctx), s.db.Rebind(q+` ORDER BY idx`), args...)
	if err != nil {
		return fmt.Errorf("data: read entries: %w", err)
	}
	defer rows.Close()
	for n := 0; rows.Next(); n++ {
		if n%1024 == 1023 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := scanRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanRecord(row scanner) (ledger.Record, error) {
	var rec ledger.Record
	var prev, hashes sql.RawBytes
	if err := row.Scan(&rec.Index, &prev, &hashes, &rec.Type, &rec.Body); err != nil {
		return rec, fmt.Errorf("data: read entry: %w", err)
	}
	if len(hashes) < tlog.HashSize {
		return rec, fmt.Errorf("data: entry %d has no stored hashes", rec.Index)
	}
	rec.Prev = hashOf(prev)
	rec.Hashes = make([]tlog.Hash, len(hashes)/tlog.HashSize)
	for i := range rec.Hashes {
		copy(rec.Hashes[i][:], hashes[i*tlog.HashSize:])
	}
	rec.Leaf = rec.Hashes[0]
	return rec, nil
}

// LatestCheckpoint implements ledger.Reader.
func (s *LedgerStore) LatestCheckpoint(ctx context.Context) (ledger.SignedCheckpoint, error) {
	var c ledger.SignedCheckpoint
	err := s.db.SQLReader().QueryRowContext(ctx, `SELECT size, note FROM `+s.checkpoints+` ORDER BY size DESC LIMIT 1`).Scan(&c.Size, &c.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: no checkpoint yet", ledger.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("data: latest checkpoint: %w", err)
	}
	return c, nil
}

// ReadCheckpoints implements ledger.Reader.
func (s *LedgerStore) ReadCheckpoints(ctx context.Context, fn func(ledger.SignedCheckpoint) error) error {
	rows, err := s.db.SQLReader().QueryContext(ctx, `SELECT size, note FROM `+s.checkpoints+` ORDER BY size`)
	if err != nil {
		return fmt.Errorf("data: read checkpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ledger.SignedCheckpoint
		if err := rows.Scan(&c.Size, &c.Note); err != nil {
			return fmt.Errorf("data: read checkpoints: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Begin implements ledger.Store. On SQLite it is an immediate transaction
// on the single writer connection; on PostgreSQL a READ COMMITTED
// transaction that first locks the log's ledger_head row (SELECT … FOR
// UPDATE), so that one batch at a time, across every process, reads the
// last entry and appends after it. The lock is on a row that never
// changes, not on "the last entry", which two writers could both see as
// last and fork from.
func (s *LedgerStore) Begin(ctx context.Context) (ledger.Tx, error) {
	st, err := s.statements() // before Begin: the writer has one connection
	if err != nil {
		return nil, err
	}
	g := s.db.Writer.WithContext(ctx).Begin()
	if g.Error != nil {
		return nil, fmt.Errorf("data: begin: %w", g.Error)
	}
	tx, ok := g.Statement.ConnPool.(*sql.Tx)
	if !ok {
		g.Rollback()
		return nil, errors.New("data: begin: no SQL transaction under GORM")
	}
	if st.head != nil {
		var log string
		if err := tx.StmtContext(ctx, st.head).QueryRowContext(ctx, s.name).Scan(&log); err != nil {
			g.Rollback()
			return nil, fmt.Errorf("data: lock the head of log %s: %w", s.name, err)
		}
	}
	return &ledgerTx{s: s, g: g, tx: tx, st: st}, nil
}

// ledgerTx is one batch transaction; projections reach the same
// transaction through GormTx.
type ledgerTx struct {
	s  *LedgerStore
	g  *gorm.DB
	tx *sql.Tx
	st *writeStmts
}

// GormTx returns the GORM handle of a batch transaction, for projections.
// It panics if tx did not come from a LedgerStore: that is a wiring bug.
func GormTx(tx ledger.Tx) *gorm.DB { return tx.(*ledgerTx).g }

// Failures is how many batch transactions of tx's store have been rolled
// back or failed to commit so far: a memo of what earlier transactions
// read is trusted only while this count stays the same.
func Failures(tx ledger.Tx) int64 { return tx.(*ledgerTx).s.failures.Load() }

func (t *ledgerTx) Last(ctx context.Context) (ledger.Record, int64, bool, error) {
	rows, err := t.tx.StmtContext(ctx, t.st.last).QueryContext(ctx)
	if err != nil {
		return ledger.Record{}, 0, false, fmt.Errorf("data: last entry: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return ledger.Record{}, 0, false, rows.Err()
	}
	rec, err := scanRecord(rows)
	if err != nil {
		return rec, 0, false, err
	}
	return rec, rec.Index + 1, true, nil
}

func (t *ledgerTx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, t.tx, t.s.db.Rebind, t.s.entries, indexes)
}

// AddRecords inserts one row per record with a prepared statement: a
// single-row statement is prepared once, where a multi-row one would be
// parsed again for every batch.
//
// On PostgreSQL, where every statement is a round trip to the server, the
// whole batch goes in one statement (arrays unnested in index order).
func (t *ledgerTx) AddRecords(ctx context.Context, recs []ledger.Record) error {
	for _, r := range recs {
		if len(r.Hashes) == 0 || r.Hashes[0] != r.Leaf {
			return fmt.Errorf("data: add entry %d: its first stored hash must be its leaf hash", r.Index)
		}
	}
	st := t.tx.StmtContext(ctx, t.st.entries)
	if t.s.db.Dialect == DialectPostgres {
		cols := recordArrays(recs)
		_, err := st.ExecContext(ctx, cols.idx, cols.prev, cols.hashes, cols.types, cols.bodies)
		return writeError("add entries", err)
	}
	for _, r := range recs {
		if _, err := st.ExecContext(ctx, r.Index, r.Prev[:], hashBytes(r.Hashes), r.Type, r.Body); err != nil {
			return writeError("add entry", err)
		}
	}
	return nil
}

// columnArrays are records as one array per column.
type columnArrays struct {
	idx                  []int64
	prev, hashes, bodies [][]byte
	types                []string
}

func recordArrays(recs []ledger.Record) columnArrays {
	c := columnArrays{idx: make([]int64, len(recs)), prev: make([][]byte, len(recs)), hashes: make([][]byte, len(recs)),
		bodies: make([][]byte, len(recs)), types: make([]string, len(recs))}
	for i, r := range recs {
		c.idx[i], c.prev[i], c.hashes[i], c.types[i], c.bodies[i] = r.Index, r.Prev[:], hashBytes(r.Hashes), r.Type, r.Body
	}
	return c
}

func hashBytes(hs []tlog.Hash) []byte {
	b := make([]byte, 0, len(hs)*tlog.HashSize)
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

func (t *ledgerTx) AddCheckpoint(ctx context.Context, c ledger.SignedCheckpoint) error {
	_, err := t.tx.StmtContext(ctx, t.st.checkpoint).ExecContext(ctx, c.Size, c.Note)
	return writeError("add checkpoint", err)
}

func (t *ledgerTx) Savepoint(ctx context.Context, name string) error {
	_, err := t.tx.ExecContext(ctx, `SAVEPOINT `+name)
	return writeError("savepoint", err)
}

func (t *ledgerTx) RollbackTo(ctx context.Context, name string) error {
	_, err := t.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT `+name)
	return writeError("rollback to savepoint", err)
}

func (t *ledgerTx) Release(ctx context.Context, name string) error {
	_, err := t.tx.ExecContext(ctx, `RELEASE SAVEPOINT `+name)
	return writeError("release savepoint", err)
}

func (t *ledgerTx) Commit() error {
	err := t.g.Commit().Error
	if err != nil {
		t.s.failures.Add(1)
	}
	return writeError("commit", err)
}

func (t *ledgerTx) Rollback() error {
	t.s.failures.Add(1)
	err := t.g.Rollback().Error
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return writeError("rollback", err)
}

// writeError wraps err, mapping constraint violations to ErrConflict.
func writeError(what string, err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if (errors.As(err, &se) && se.Code == sqlite3.ErrConstraint) || isPostgresConstraint(err) {
		return fmt.Errorf("data: %s: %w: %v", what, ledger.ErrConflict, err)
	}
	return fmt.Errorf("data: %s: %w", what, err)
}
