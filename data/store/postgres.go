package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects of DB.Dialect; also the folder names under migrations/.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// IsPostgresURL reports whether a --db value names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite data folder.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// postgresConns is the size of the connection pool of one process. One
// connection at a time holds a log's head row; the others serve reads and
// projections' lookups.
const postgresConns = 16

// OpenPostgres opens the PostgreSQL database at dsn (a postgres:// URL)
// and applies pending migrations. Writer and Reader are one pool: the
// database orders concurrent writers itself, and the ledger's appends are
// serialised by its head rows (see LedgerStore.Begin).
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	g, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("data: open PostgreSQL: %w", redactDSN(err, dsn))
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("data: open PostgreSQL: %w", err)
	}
	sqlDB.SetMaxOpenConns(postgresConns)
	sqlDB.SetMaxIdleConns(4)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Writer: g, Reader: g, Dialect: DialectPostgres}
	if err := sqlDB.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("data: reach PostgreSQL: %w", redactDSN(err, dsn))
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Open opens the database a --db value names: a postgres:// URL, or else
// the SQLite database in the data folder dir.
func Open(ctx context.Context, dbURL, dir string) (*DB, error) {
	if dbURL == "" {
		return OpenSQLite(ctx, dir)
	}
	if !IsPostgresURL(dbURL) {
		return nil, fmt.Errorf("data: --db must be a postgres:// URL (or empty for SQLite in the data folder)")
	}
	return OpenPostgres(ctx, dbURL)
}

// redactDSN keeps a password out of an error message that quotes the DSN.
func redactDSN(err error, dsn string) error {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndexByte(dsn, '@'); at > i {
			if colon := strings.IndexByte(dsn[i+3:at], ':'); colon >= 0 {
				secret := dsn[i+3+colon+1 : at]
				if secret != "" && strings.Contains(err.Error(), secret) {
					return errors.New(strings.ReplaceAll(err.Error(), secret, "xxxxx"))
				}
			}
		}
	}
	return err
}

// isPostgresConstraint reports whether err is a PostgreSQL integrity
// constraint violation (class 23, which the chain trigger raises too).
func isPostgresConstraint(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "23")
}
