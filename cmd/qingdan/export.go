package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/audit"
	"qingdan/ledger/witness"
)

// cosignedReader serves the stored checkpoints with the witnesses'
// cosignatures on them, so that a bundle carries them too.
type cosignedReader struct {
	ledger.Reader
	cosignatures *store.Cosignatures
}

func (r cosignedReader) ReadCheckpoints(ctx context.Context, fn func(ledger.SignedCheckpoint) error) error {
	return r.Reader.ReadCheckpoints(ctx, func(sc ledger.SignedCheckpoint) error {
		lines, err := r.cosignatures.Lines(ctx, sc.Size)
		if err != nil {
			return err
		}
		sc.Note = witness.AppendCosignatures(sc.Note, lines)
		return fn(sc)
	})
}

// runExport writes the ledger of a data folder as a bundle (every signed
// checkpoint and every entry; docs/audit.md) for 'qingdan audit --bundle'.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c storageConfig
	var out string
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	c.addFlags(fs)
	fs.StringVar(&out, "out", "", "bundle file to write")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if out == "" {
		return errors.New("export: --out FILE is required")
	}
	if err := c.requireDatabase(); err != nil {
		return err
	}
	db, err := store.Open(ctx, c.dbURL, c.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	entries, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".qingdan-bundle-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, cps, err := audit.WriteBundle(ctx, tmp, cosignedReader{entries, store.NewCosignatures(db)}, c.origin)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d entries and %d signed checkpoints to %s\n", n, cps, out)
	return nil
}
