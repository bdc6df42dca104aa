package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver
)

// BackupSQLite writes a consistent copy of the SQLite database in dir to
// out, while a server may be writing to it. It uses VACUUM INTO, which
// reads the whole database in one read transaction: the copy is the
// database as of one commit (a batch is in it whole or not at all), and
// writers are not held up (WAL). out must not exist. It opens its own
// connection and runs no migrations, so that a backup never changes the
// database it copies.
func BackupSQLite(ctx context.Context, dir, out string) error {
	path := filepath.Join(dir, DBFileName)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("data: backup: %w", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("data: backup: %s already exists", out)
	}
	// Not the reader's query_only connection: SQLite counts VACUUM INTO
	// as a write (to the copy), though it only reads the source.
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("data: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		os.Remove(out)
		return fmt.Errorf("data: backup: %w", err)
	}
	return nil
}
