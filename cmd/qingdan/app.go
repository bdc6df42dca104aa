package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/web"
)

// storage is the opened data folder: database, key and logs.
type storage struct {
	db     *store.DB
	key    *ledger.Key
	log    *ledger.Log
	seclog *ledger.Log // the security log: its own origin and key
}

// securityOrigin is the security log's origin: the ledger's, with
// "seclog" for its last element.
func securityOrigin(origin string) string {
	if i := strings.LastIndexByte(origin, '/'); i >= 0 {
		return origin[:i] + "/seclog"
	}
	return origin + "/seclog"
}

func (c storageConfig) secKeyPath() string {
	if c.secKeyFile != "" {
		return c.secKeyFile
	}
	return filepath.Join(c.dataDir, "seclog.key")
}

// storageConfig says where the data lives.
type storageConfig struct {
	dataDir    string
	dbURL      string // postgres://…; "" for SQLite in dataDir
	keyFile    string // default <data>/ledger.key
	secKeyFile string // default <data>/seclog.key
	origin     string
	now        func() time.Time // the ledger's clock; nil: time.Now
	// observe, if set, gives each log ("ledger", "seclog") its observer.
	observe func(log string) ledger.Observer
}

func (c storageConfig) observer(log string) ledger.Observer {
	if c.observe == nil {
		return nil
	}
	return c.observe(log)
}

// addFlags defines --data, --key, --origin, --db and --seclog-key, shared
// by every command that opens the data folder or database.
func (c *storageConfig) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data", "./qingdan-data", "data folder (SQLite database and keys)")
	fs.StringVar(&c.keyFile, "key", "", "checkpoint signing key file (default <data>/ledger.key, created with mode 0600)")
	fs.StringVar(&c.origin, "origin", ledger.DefaultOrigin, "checkpoint origin line")
	fs.StringVar(&c.dbURL, "db", "", "PostgreSQL database URL (postgres://user:password@host/db); empty: SQLite in the data folder")
	fs.StringVar(&c.secKeyFile, "seclog-key", "", "security log signing key file (default <data>/seclog.key); replicas share it like --key")
}

// requireDatabase fails unless the SQLite data folder holds a qingdan
// database (a PostgreSQL database is checked when opened).
func (c storageConfig) requireDatabase() error {
	if c.dbURL != "" {
		return nil
	}
	return requireDataDir(c.dataDir)
}

func (c storageConfig) keyPath() string {
	if c.keyFile != "" {
		return c.keyFile
	}
	return filepath.Join(c.dataDir, "ledger.key")
}

// openStorage opens the database and the signing key (creating both on
// first use) and starts the ledger.
func openStorage(ctx context.Context, c storageConfig, logger *slog.Logger) (*storage, error) {
	if c.dbURL != "" { // the data folder then holds only the keys
		if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, c.dbURL, c.dataDir)
	if err != nil {
		return nil, err
	}
	st := &storage{db: db}
	if st.key, err = ledger.LoadOrCreateKey(c.keyPath(), c.origin); err != nil {
		st.close()
		return nil, err
	}
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		st.close()
		return nil, err
	}
	st.log, err = ledger.Open(ls, ledger.Config{Origin: c.origin, Key: st.key, Logger: logger, Now: c.now,
		Observer: c.observer(web.LogLedger)})
	if err != nil {
		st.close()
		return nil, err
	}
	if st.seclog, err = openSecurityLog(db, c, logger); err != nil {
		st.close()
		return nil, err
	}
	return st, nil
}

func openSecurityLog(db *store.DB, c storageConfig, logger *slog.Logger) (*ledger.Log, error) {
	origin := securityOrigin(c.origin)
	key, err := ledger.LoadOrCreateKey(c.secKeyPath(), origin)
	if err != nil {
		return nil, err
	}
	ls, err := store.NewLedgerStore(db, store.SecurityLog)
	if err != nil {
		return nil, err
	}
	return ledger.Open(ls, ledger.Config{Origin: origin, Key: key, Logger: logger,
		Observer: c.observer(web.LogSecurity)})
}

func (st *storage) close() {
	if st.log != nil {
		st.log.Close()
	}
	if st.seclog != nil {
		st.seclog.Close()
	}
	if st.db != nil {
		st.db.Close()
	}
}

// requireDataDir fails unless dir holds a qingdan database, so that a
// mistyped path is not silently verified as an empty log.
func requireDataDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, store.DBFileName)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no qingdan database in %s", dir)
		}
		return err
	}
	return nil
}
