package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"qingdan/data"
	"qingdan/data/store"
	"qingdan/ledger"
)

type verifyFlags struct {
	storageConfig
	vkey string
}

func parseVerifyFlags(args []string, stderr io.Writer) (*verifyFlags, error) {
	f := &verifyFlags{}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	f.addFlags(fs)
	fs.StringVar(&f.vkey, "vkey", "", "verifier key to check checkpoints with (name+id+base64); overrides --key")
	return f, parseFlags(fs, args, stderr)
}

// runVerify verifies the ledger offline: exit 0 when intact, 1 naming the
// first bad index, 2 when it cannot check.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseVerifyFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := f.requireDatabase(); err != nil {
		return err
	}
	v, err := f.verifier()
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, f.dbURL, f.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		return err
	}
	rep, err := ledger.Verify(ctx, ls, f.origin, v, nil)
	var ve *ledger.VerifyError
	if errors.As(err, &ve) {
		return fmt.Errorf("%w: %v", errTampered, ve)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ledger intact: %d entries, root %s, %d signed checkpoints verified in %s\n",
		rep.Size, rep.Root, rep.Checkpoints, rep.Took.Round(1e6))
	if err := verifySecurityLog(ctx, f, db, stdout); err != nil {
		return err
	}
	return checkLists(ctx, ls, db, stdout)
}

// verifySecurityLog verifies the security log with the key beside the
// ledger's (seclog.key), when there is one.
func verifySecurityLog(ctx context.Context, f *verifyFlags, db *store.DB, stdout io.Writer) error {
	raw, err := os.ReadFile(f.secKeyPath())
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stdout, "security log: no key in the data folder, not checked")
		return nil
	}
	if err != nil {
		return err
	}
	k, err := ledger.ParseKey(string(raw))
	if err != nil {
		return err
	}
	ls, err := store.NewLedgerStore(db, store.SecurityLog)
	if err != nil {
		return err
	}
	rep, err := ledger.Verify(ctx, ls, securityOrigin(f.origin), k.Verifier, nil)
	var ve *ledger.VerifyError
	if errors.As(err, &ve) {
		return fmt.Errorf("%w: security log: %v", errTampered, ve)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "security log intact: %d entries\n", rep.Size)
	return nil
}

// checkLists rebuilds the list projections from the ledger and compares
// them with the live tables.
func checkLists(ctx context.Context, ls *store.LedgerStore, db *store.DB, stdout io.Writer) error {
	diffs, err := data.CheckProjections(ctx, ls, db)
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintln(stdout, "lists match the ledger: every projection rebuilt by replay is identical")
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, "list differs from the ledger:", d)
	}
	return fmt.Errorf("%w: %d list rows differ from what the ledger says (first: %s)", errTampered, len(diffs), diffs[0])
}

func (f *verifyFlags) verifier() (note.Verifier, error) {
	if f.vkey != "" {
		v, err := note.NewVerifier(f.vkey)
		if err != nil {
			return nil, fmt.Errorf("--vkey: %w", err)
		}
		return v, nil
	}
	raw, err := os.ReadFile(f.keyPath())
	if err != nil {
		return nil, fmt.Errorf("read key %s (or pass --vkey): %w", filepath.Clean(f.keyPath()), err)
	}
	k, err := ledger.ParseKey(string(raw))
	if err != nil {
		return nil, err
	}
	return k.Verifier, nil
}
