package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qingdan/data/golden"
)

// TestVerifyGoldenLedgers runs `qingdan verify` on a data folder holding
// each golden ledger (data/golden/testdata), its projections rebuilt by
// the current code: every ledger any version wrote verifies, exit 0.
func TestVerifyGoldenLedgers(t *testing.T) {
	paths, err := filepath.Glob("../../data/golden/testdata/golden-*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden ledgers found (%v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			r, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			f, err := golden.Read(r)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := f.RestoreFolder(context.Background(), dir); err != nil {
				t.Fatal(err)
			}
			code, out := runCmd("verify", "--data", dir, "--vkey", f.VerifierKey)
			if code != exitOK || !strings.Contains(out, "lists match the ledger") {
				t.Fatalf("qingdan verify: exit %d, want %d:\n%s", code, exitOK, out)
			}
		})
	}
}
