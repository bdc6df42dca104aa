package golden_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"qingdan/data"
	"qingdan/data/golden"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/audit"
)

// fact is one thing a golden ledger's replay must give: a query over the
// rebuilt projections and its answer.
type fact struct {
	query string
	want  string
}

// goldenFacts are what each golden file replays to. A golden file, once
// committed, is never changed or removed; a new format adds a file here.
var goldenFacts = map[string][]fact{
	"golden-v1.txt": commonFacts,
	"golden-v2.txt": commonFacts,
}

// commonFacts hold for every file the generator wrote.
var commonFacts = []fact{
	{`SELECT count(*) || ' ' || sum(status = 'in_force') FROM departments`, "4 3"},
	{`SELECT count(*) || ' ' || sum(status = 'in_force') FROM powers`, "12 10"},
	{`SELECT count(*) || ' ' || sum(status = 'in_force') FROM responsibilities`, "8 7"},
	{`SELECT count(*) || ' ' || sum(status = 'in_force') FROM services`, "6 5"},
	{`SELECT version || ' ' || json_extract(item, '$.promised_limit') FROM powers WHERE code = 'XK-scjg-001'`, "2 8"},
	{`SELECT group_concat(state || ':' || n, ' ') FROM (SELECT state, count(*) AS n FROM applications GROUP BY state ORDER BY state)`,
		"delivered:24 refused:8 reviewed:8 withdrawn:16"},
	{`SELECT count(*) FROM applications WHERE outcome = 'denied' AND extension_days = 5 AND pauses LIKE '%专家评审%'`, "8"},
	{`SELECT count(*) FROM application_events`, "232"},
	{`SELECT group_concat(username || ':' || status, ' ') FROM (SELECT username, status FROM users WHERE username LIKE 'temp.%')`, "temp.jyj:disabled"},
	{`SELECT count(*) FROM casbin_rule WHERE ptype = 'g'`, "8"},
	{`SELECT group_concat(year) FROM calendar_years`, "2027"},
}

// TestGoldenLedgers verifies and replays every golden ledger with the
// current code: an auditor pinned to the file's key checks every entry,
// the chain, the Merkle root and the checkpoint's signature while a fresh
// database replays the entries; then the ledger, restored into a data
// folder, verifies as `qingdan verify` does (log, then projections rebuilt
// against the folder's), and the replay gives the facts the file was
// written with. A change that stops an old ledger from replaying fails
// here.
func TestGoldenLedgers(t *testing.T) {
	paths, err := filepath.Glob("testdata/golden-*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < len(goldenFacts) {
		t.Fatalf("found %d golden files %v, want the %d of goldenFacts", len(paths), paths, len(goldenFacts))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			facts, ok := goldenFacts[filepath.Base(path)]
			if !ok {
				t.Fatalf("%s has no facts in goldenFacts", path)
			}
			f := readGolden(t, path)
			auditGolden(t, f)
			db := restoreGolden(t, f)
			for _, fc := range facts {
				var got string
				if err := db.Reader.Raw(fc.query).Row().Scan(&got); err != nil {
					t.Fatalf("%s: %v", fc.query, err)
				}
				if got != fc.want {
					t.Errorf("%s: got %q, want %q", fc.query, got, fc.want)
				}
			}
		})
	}
}

func readGolden(t *testing.T, path string) *golden.File {
	t.Helper()
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := golden.Read(r)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// auditGolden audits f from nothing with its key pinned, replaying each
// verified entry into a fresh database with data.Project.
func auditGolden(t *testing.T, f *golden.File) {
	t.Helper()
	ctx := context.Background()
	v, err := note.NewVerifier(f.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &audit.Auditor{Origin: f.Origin, Verifier: v, VerifierKey: f.VerifierKey}
	_, rep, err := a.Run(ctx, f, &audit.State{}, &replayFollower{db: db})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if rep.Size != int64(len(f.Bodies)) || rep.Followed != rep.Size {
		t.Errorf("audit: %d entries signed, %d replayed, want %d", rep.Size, rep.Followed, len(f.Bodies))
	}
}

// restoreGolden restores f into a data folder and checks it as `qingdan
// verify` does; it returns the folder's database.
func restoreGolden(t *testing.T, f *golden.File) *store.DB {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if err := f.RestoreFolder(ctx, dir); err != nil {
		t.Fatalf("restore and replay: %v", err)
	}
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(f.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Verify(ctx, ls, f.Origin, v, nil); err != nil {
		t.Fatalf("verify the restored ledger: %v", err)
	}
	diffs, err := data.CheckProjections(ctx, ls, db)
	if err != nil {
		t.Fatalf("replay the restored ledger: %v", err)
	}
	for _, d := range diffs {
		t.Errorf("projection differs from a second replay: %s", d)
	}
	return db
}

// replayFollower projects each entry the auditor verified, in one
// transaction per call.
type replayFollower struct {
	db   *store.DB
	size int64
}

func (r *replayFollower) Size(ctx context.Context) (int64, error) { return r.size, nil }

func (r *replayFollower) Sync(ctx context.Context) error { return nil }

func (r *replayFollower) Follow(ctx context.Context, entries []*ledger.Entry) error {
	tx := r.db.Writer.WithContext(ctx).Begin()
	for _, e := range entries {
		if err := data.Project(ctx, tx, e); err != nil {
			tx.Rollback()
			return fmt.Errorf("replay entry %d (%s): %w", e.Index, e.Type, err)
		}
	}
	r.size += int64(len(entries))
	return tx.Commit().Error
}
