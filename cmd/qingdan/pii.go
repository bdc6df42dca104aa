package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"qingdan/data/personal"
	"qingdan/data/store"
)

// piiKeyName is the personal-data master key's file in the data folder.
const piiKeyName = "pii.key"

// piiKeyFlag is --pii-key, of serve and pii rotate-key.
type piiKeyFlag struct{ piiKeyFile string }

func (p *piiKeyFlag) addPIIFlag(fs *flag.FlagSet) {
	fs.StringVar(&p.piiKeyFile, "pii-key", "", "personal-data master key file (default <data>/pii.key, created with mode 0600 on first start); replicas share it; not in backups: keep it as a separate secret")
}

func (p piiKeyFlag) piiKeyPath(dataDir string) string {
	if p.piiKeyFile != "" {
		return p.piiKeyFile
	}
	return filepath.Join(dataDir, piiKeyName)
}

// openPII reads (or on an empty database creates) the master key, unwraps
// the data keys, and seals personal data still in plain text from before
// the upgrade. A key that does not fit the database is an error: the
// server does not start.
func openPII(ctx context.Context, db *store.DB, path string, logger *slog.Logger) (*personal.PII, error) {
	masters, err := personal.LoadOrCreatePIIKeyFile(ctx, db, path)
	if err != nil {
		return nil, err
	}
	reload := func() ([]personal.PIIMasterKey, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return personal.ParsePIIKeyFile(b)
	}
	pii, err := personal.OpenPII(ctx, db, masters, reload)
	if err != nil {
		return nil, fmt.Errorf("%w (key file %s)", err, path)
	}
	n, err := pii.SealPlaintext(ctx, logger)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		logger.Info("sealed personal data written before encryption at rest", "applicants", n)
	}
	return pii, nil
}

type piiFlags struct {
	dataDir, dbURL string
	piiKeyFlag
}

// runPII serves 'qingdan pii rotate-key': a new master key re-wraps the
// data keys (a small table) in one transaction; records are not touched,
// and running servers keep their unwrapped data keys.
func runPII(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &piiFlags{}
	fs := flag.NewFlagSet("pii rotate-key", flag.ContinueOnError)
	fs.StringVar(&f.dataDir, "data", "./qingdan-data", "data folder (SQLite database; the key file's default folder)")
	fs.StringVar(&f.dbURL, "db", "", "PostgreSQL database URL (postgres://user:password@host/db); empty: SQLite in the data folder")
	f.addPIIFlag(fs)
	if len(args) > 0 && args[0] == "rotate-key" {
		args = args[1:]
	} else if len(args) == 0 || (args[0] != "-h" && args[0] != "--help") {
		return errors.New("usage: qingdan pii rotate-key [--data DIR] [--db URL] [--pii-key FILE]")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := (storageConfig{dataDir: f.dataDir, dbURL: f.dbURL}).requireDatabase(); err != nil {
		return err
	}
	db, err := store.Open(ctx, f.dbURL, f.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	id, n, err := rotatePIIKey(ctx, db, f.piiKeyPath(f.dataDir))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-wrapped %d keys under the new personal-data master key %s in %s; copy that file to every replica (running servers need not restart)\n",
		n, id, f.piiKeyPath(f.dataDir))
	return nil
}

// rotatePIIKey writes a new key file holding the new key and the old ones,
// re-wraps the database's keys under the new key, then keeps only the new
// key. A crash at any step leaves a key file that opens the database.
func rotatePIIKey(ctx context.Context, db *store.DB, path string) (string, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, fmt.Errorf("pii rotate-key: %w", err)
	}
	old, err := personal.ParsePIIKeyFile(b)
	if err != nil {
		return "", 0, err
	}
	next, err := personal.NewPIIMasterKey()
	if err != nil {
		return "", 0, err
	}
	if err := personal.WritePIIKeyFile(path, append([]personal.PIIMasterKey{next}, old...)); err != nil {
		return "", 0, err
	}
	n, err := personal.RotatePIIMasterKey(ctx, db, old, next)
	if err != nil {
		return "", 0, fmt.Errorf("pii rotate-key: %w (the key file holds the new key and the old ones; the database is unchanged)", err)
	}
	return next.ID, n, personal.WritePIIKeyFile(path, []personal.PIIMasterKey{next})
}
