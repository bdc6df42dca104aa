package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations
var migrationFiles embed.FS

// DB is the database: a writer (one connection for SQLite) and a reader
// pool. Writer and Reader are the same for backends with real concurrency.
type DB struct {
	Writer  *gorm.DB
	Reader  *gorm.DB
	Dialect string // "sqlite" or "postgres"

	checkpointer  *gorm.DB // SQLite: a connection that checkpoints the WAL
	stop, stopped chan struct{}
}

// DBFileName is the SQLite file inside the data folder.
const DBFileName = "qingdan.db"

// OpenSQLite opens (creating if needed) the SQLite database in dir and
// applies pending migrations.
func OpenSQLite(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data: create data folder: %w", err)
	}
	path := filepath.Join(dir, DBFileName)
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	registerDrivers()
	writer, err := openGorm(writerDriver, sqliteDSN(path, false), 1)
	if err != nil {
		return nil, err
	}
	db := &DB{Writer: writer, Dialect: DialectSQLite, stop: make(chan struct{}), stopped: make(chan struct{})}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	tightenModes(path) // the -wal and -shm files exist now
	if db.Reader, err = openGorm(readerDriver, sqliteDSN(path, true), 8); err != nil {
		db.Close()
		return nil, err
	}
	if db.checkpointer, err = openGorm(checkpointerDriver, sqliteDSN(path, false), 1); err != nil {
		db.Close()
		return nil, err
	}
	go db.checkpointWAL()
	return db, nil
}

// createPrivate creates the database file, if it does not exist yet, with
// mode 0600 whatever the umask (SQLite would create it 0644: readable by
// every local user, and it holds applicants' personal data).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("data: create database file: %w", err)
	}
	return f.Close()
}

// tightenModes makes the database file and its -wal and -shm files 0600:
// SQLite creates those beside it 0644, and databases created before
// createPrivate are 0644 too. It does what it can: a file this process
// may not change (a read-only copy being verified) is left as it is.
func tightenModes(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			os.Chmod(p, fi.Mode().Perm()&0o700)
		}
	}
}

// Driver names with per-connection settings. The writer does not
// checkpoint the WAL itself (which would stall a commit behind a copy and
// two fsyncs of the database file); checkpointWAL does it beside it.
const (
	writerDriver = "sqlite3_qingdan_writer"
	readerDriver = "sqlite3_qingdan_reader"
	// checkpointerDriver grows the database file 32 MiB at a time (it is
	// the connection that writes the database file), so that checkpoints
	// rarely allocate blocks.
	checkpointerDriver = "sqlite3_qingdan_checkpointer"
)

var registerOnce sync.Once

// Page caches: 32 MiB for the writer, whose cache stays valid between its
// transactions, and 8 MiB for each of the 8 readers, whose caches are
// dropped whenever the writer commits (SQLite rereads a changed database),
// so a larger one buys little under writes; together at most 96 MiB,
// within the 150 MB the server may use (DESIGN §7).
func registerDrivers() {
	registerOnce.Do(func() {
		sql.Register(writerDriver, cachingDriver{&sqlite3.SQLiteDriver{ConnectHook: pragmas(
			"PRAGMA cache_size = -32768", "PRAGMA wal_autocheckpoint = 0", "PRAGMA temp_store = MEMORY",
			"PRAGMA journal_size_limit = 67108864",
			// deleted and overwritten content is zeroed, so that erased
			// personal data leaves no bytes in free space
			"PRAGMA secure_delete = ON")}})
		sql.Register(readerDriver, cachingDriver{&sqlite3.SQLiteDriver{ConnectHook: pragmas("PRAGMA cache_size = -8192")}})
		sql.Register(checkpointerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			if err := c.SetFileControlInt("main", sqlite3.SQLITE_FCNTL_CHUNK_SIZE, 32<<20); err != nil {
				return err
			}
			return pragmas(fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds()))(c)
		}})
	})
}

func pragmas(stmts ...string) func(*sqlite3.SQLiteConn) error {
	return func(c *sqlite3.SQLiteConn) error {
		for _, s := range stmts {
			if _, err := c.Exec(s, nil); err != nil {
				return fmt.Errorf("data: %s: %w", s, err)
			}
		}
		return nil
	}
}

// walRestartFrames is the WAL length (in pages) past which the WAL is
// restarted from its beginning, so that it cannot grow without bound under
// steady writes or always-active readers.
const walRestartFrames = 16384

// checkpointEvery: how often checkpointWAL copies the WAL into the
// database. Often, so that each copy (and the fsync of the database file
// after it, which the next commit's fsync of the WAL can wait behind) stays
// small: a longer interval raised the submissions' p99 (docs/benchmarks.md).
const checkpointEvery = 50 * time.Millisecond

// checkpointWAL copies the WAL into the database file in the background
// until Close. PASSIVE checkpoints never block the writer or readers; once
// the WAL is long, a RESTART copies the rest and makes the next commit
// reuse the file from the start. A RESTART holds off the writer while it
// waits for readers to leave the WAL, so it waits at most restartWait and
// else gives up until the next tick (with the server's 10 s busy timeout,
// RESTARTs under load stalled every append for up to 3.6 s).
func (db *DB) checkpointWAL() {
	defer close(db.stopped)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			db.checkpointer.Exec("PRAGMA busy_timeout = 10000")
			db.checkpointer.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case <-t.C:
			var busy, frames, copied int
			row := db.checkpointer.Raw("PRAGMA wal_checkpoint(PASSIVE)").Row()
			if row.Scan(&busy, &frames, &copied) == nil && frames > walRestartFrames {
				db.checkpointer.Exec("PRAGMA wal_checkpoint(RESTART)")
			}
		}
	}
}

// restartWait bounds how long a WAL RESTART may hold off appends.
const restartWait = 20 * time.Millisecond

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	if readOnly {
		q.Set("_query_only", "true")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func openGorm(driver, dsn string, conns int) (*gorm.DB, error) {
	g, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: driver, DSN: dsn}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("data: open database: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("data: open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxLifetime(0)
	return g, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.checkpointer != nil {
		close(db.stop)
		<-db.stopped
	}
	var first error
	for _, g := range []*gorm.DB{db.Reader, db.checkpointer, db.Writer} {
		if g == nil || (g == db.Reader && db.Reader == db.Writer) {
			continue
		}
		if s, err := g.DB(); err == nil {
			if err := s.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// SQLWriter is the database/sql handle of the writer.
func (db *DB) SQLWriter() *sql.DB { s, _ := db.Writer.DB(); return s }

// SQLReader is the database/sql handle of the readers.
func (db *DB) SQLReader() *sql.DB { s, _ := db.Reader.DB(); return s }

// migration is one versioned SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + db.Dialect
	files, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("data: migrations: %w", err)
	}
	var ms []migration
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(f.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("data: migration file %s has no version", f.Name())
		}
		text, err := migrationFiles.ReadFile(dir + "/" + f.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: f.Name(), sql: string(text)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies pending migrations, each in one transaction, on one
// connection. On PostgreSQL that connection first takes an advisory lock,
// so that replicas starting together migrate one after another.
func (db *DB) migrate(ctx context.Context) error {
	w, err := db.SQLWriter().Conn(ctx)
	if err != nil {
		return fmt.Errorf("data: migrations: %w", err)
	}
	defer w.Close()
	if db.Dialect == DialectPostgres {
		if _, err := w.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("data: migrations lock: %w", err)
		}
		defer w.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	// Create the table only when it is missing: a PostgreSQL application
	// role without CREATE on the schema can then open a migrated database.
	var have int
	if w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&have) != nil {
		if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("data: migrations table: %w", err)
		}
	}
	ms, err := db.migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.apply(ctx, w, m); err != nil {
			return err
		}
	}
	return nil
}

// migrationLock is the advisory lock key of the migration runner.
const migrationLock = 0x71696e6764616e // "qingdan"

// Rebind turns the ? placeholders of a query given straight to
// database/sql into the dialect's ($1, $2 … on PostgreSQL). GORM's Raw
// and Exec do this themselves.
func (db *DB) Rebind(q string) string {
	if db.Dialect != DialectPostgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (db *DB) apply(ctx context.Context, w *sql.Conn, m migration) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n); err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	return tx.Commit()
}

// SchemaCurrent reports whether every embedded migration has been applied.
func (db *DB) SchemaCurrent(ctx context.Context) error {
	ms, err := db.migrations()
	if err != nil {
		return err
	}
	var n int
	if err := db.SQLReader().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("data: schema: %w", err)
	}
	if n != len(ms) {
		return fmt.Errorf("data: schema has %d of %d migrations", n, len(ms))
	}
	return nil
}

// ExecSQL runs one plain statement (? placeholders, no GORM clauses) in
// the transaction or database under g. On SQLite it goes straight to
// database/sql: GORM's statement building cost about as much as SQLite
// itself for the projections' small statements, which run one after
// another on the single writer. Other dialects go through GORM, which
// rewrites the placeholders.
func ExecSQL(g *gorm.DB, query string, args ...any) error {
	_, err := ExecSQLRows(g, query, args...)
	return err
}

// ExecSQLRows is ExecSQL that also tells how many rows it changed.
func ExecSQLRows(g *gorm.DB, query string, args ...any) (int64, error) {
	if c, ok := sqlConn(g); ok {
		res, err := c.ExecContext(g.Statement.Context, query, args...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	res := g.Exec(query, args...)
	return res.RowsAffected, res.Error
}

// QueryRowSQL is ExecSQL for a query of one row.
func QueryRowSQL(g *gorm.DB, query string, args ...any) *sql.Row {
	if c, ok := sqlConn(g); ok {
		return c.QueryRowContext(g.Statement.Context, query, args...)
	}
	return g.Raw(query, args...).Row()
}

type sqlConnPool interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqlConn returns the database/sql handle under g when g is SQLite.
func sqlConn(g *gorm.DB) (sqlConnPool, bool) {
	if g.Dialector.Name() != "sqlite" {
		return nil, false
	}
	switch c := g.Statement.ConnPool.(type) {
	case *sql.Tx:
		return c, true
	case *sql.DB:
		return c, true
	}
	return nil, false
}

// CutTail truncates the SQLite file to its pages, dropping a tail left by
// chunked growth (the checkpointer's 32 MiB chunks) that may hold pages
// from before a VACUUM; the file grows again as it needs.
func (db *DB) CutTail(ctx context.Context) error {
	var pages, size int64
	w := db.Writer.WithContext(ctx)
	if err := w.Raw(`PRAGMA page_count`).Scan(&pages).Error; err != nil {
		return err
	}
	if err := w.Raw(`PRAGMA page_size`).Scan(&size).Error; err != nil {
		return err
	}
	var path string
	var seq int
	var name string
	if err := w.Raw(`PRAGMA database_list`).Row().Scan(&seq, &name, &path); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() <= pages*size {
		return err
	}
	return os.Truncate(filepath.Clean(path), pages*size)
}
