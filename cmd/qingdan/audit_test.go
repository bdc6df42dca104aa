package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"qingdan/data/demo"
	"qingdan/data/identity"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// The auditors' toolkit end to end: real 'qingdan serve' processes (in
// process, through run) over real SQLite data folders, audited with
// 'qingdan audit', 'qingdan receipt' and 'qingdan witness'.

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// listsFixture returns a fresh copy of a data folder holding the demo
// county's lists, an account with a role, and its key.
func listsFixture(t *testing.T) (dir, vkey string) {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "qingdan-audit-fixture-")
		if fixtureErr == nil {
			fixtureErr = seedLists(fixtureDir)
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	dir = t.TempDir()
	copyDir(t, fixtureDir, dir)
	return dir, keyOf(t, dir)
}

func seedLists(dir string) error {
	ctx := context.Background()
	st, err := openStorage(ctx, storageConfig{dataDir: dir, origin: ledger.DefaultOrigin}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer st.close()
	if _, err := genesis(ctx, st); err != nil {
		return err
	}
	if err := demo.Seed(ctx, lists.NewCatalog(st.db, st.log)); err != nil {
		return err
	}
	d := identity.NewDirectory(st.db, st.log)
	u := identity.User{Username: "clerk.audit", DisplayName: "审计测试", Dept: "*"}
	if _, err := d.CreateUser(ctx, "system", u, "not-a-real-hash"); err != nil {
		return err
	}
	if _, err = d.ChangeRole(ctx, "system", true, identity.RoleEvent{User: "clerk.audit", Role: "auditor", Dept: "*"}, nil); err != nil {
		return err
	}
	_, err = d.AddToken(ctx, "clerk.audit", "audit", fixtureAuditToken, time.Now().AddDate(0, 0, 30))
	return err
}

// fixtureAuditToken is the auditor clerk.audit's API token in the fixture.
const fixtureAuditToken = "qd_fixture-auditor-token"

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func keyOf(t testing.TB, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "ledger.key"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ledger.ParseKey(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return k.VerifierKey
}

// appendEntries appends n entries tagged tag to the (stopped) data folder.
func appendEntries(t *testing.T, dir string, n int, tag string) {
	t.Helper()
	ctx := context.Background()
	st, err := openStorage(ctx, storageConfig{dataDir: dir, origin: ledger.DefaultOrigin}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	for i := 0; i < n; i++ {
		ev := ledger.Event{Type: "audit.test", Actor: "system", Data: map[string]any{"n": i, "tag": tag}}
		if _, err := st.log.Append(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
}

// serving runs 'qingdan serve' on dir until the returned stop is called.
func serving(t testing.TB, dir string, extra ...string) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	args := append([]string{"serve", "--addr", addr, "--data", dir, "--rate-limit", "0"}, extra...)
	go func() { done <- run(ctx, args, io.Discard, io.Discard) }()
	base = "http://" + addr
	waitReady(t, base)
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return base, stop
}

func sqlite(t *testing.T, dir string, queries ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(dir, store.DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// evidenceFiles returns the files of the single evidence folder under root.
func evidenceFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	dirs, err := os.ReadDir(root)
	if err != nil || len(dirs) != 1 {
		t.Fatalf("evidence folder %s: %v, %d entries; want one", root, err, len(dirs))
	}
	out := map[string][]byte{}
	files, _ := os.ReadDir(filepath.Join(root, dirs[0].Name()))
	for _, f := range files {
		out[f.Name()], _ = os.ReadFile(filepath.Join(root, dirs[0].Name(), f.Name()))
	}
	return out
}

// mustOpenWith checks that a saved checkpoint is signed by vkey.
func mustOpenWith(t *testing.T, signed []byte, vkey string) ledger.Checkpoint {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.OpenCheckpoint(signed, v.Name(), v)
	if err != nil {
		t.Fatalf("evidence checkpoint does not verify with the log's key: %v\n%s", err, signed)
	}
	return c
}

func TestAuditIntactThenIncremental(t *testing.T) {
	dir, vkey := listsFixture(t)
	state := filepath.Join(t.TempDir(), "state.json")
	base, stop := serving(t, dir)
	code, out := runCmd("audit", "--url", base, "--key", vkey, "--state", state, "--token", fixtureAuditToken)
	if code != exitOK || !strings.Contains(out, "ledger intact") || !strings.Contains(out, "lists match the ledger") ||
		!strings.Contains(out, "1 role grants") {
		t.Fatalf("audit of an intact log: exit %d: %s", code, out)
	}
	stop()
	appendEntries(t, dir, 300, "more")
	base, _ = serving(t, dir)
	code, out = runCmd("audit", "--url", base, "--key", vkey, "--state", state)
	if code != exitOK || !strings.Contains(out, "(300 new") {
		t.Fatalf("incremental audit: exit %d: %s; want 300 new entries", code, out)
	}
}

// TestAuditWithoutTokenSkipsGrants (issue 20, finding 7): GET
// /api/v1/roles is not public; without an auditor's token the audit
// checks the ledger and the lists, says plainly that the role grants were
// not compared, and still exits 0.
func TestAuditWithoutTokenSkipsGrants(t *testing.T) {
	dir, vkey := listsFixture(t)
	base, _ := serving(t, dir)
	code, out := runCmd("audit", "--url", base, "--key", vkey)
	if code != exitOK || !strings.Contains(out, "lists match the ledger") || !strings.Contains(out, "role grants NOT compared") ||
		strings.Contains(out, "role grants served") {
		t.Fatalf("audit without a token: exit %d: %s; want 0 saying the grants were not compared", code, out)
	}
	t.Setenv("QINGDAN_TOKEN", fixtureAuditToken)
	if code, out := runCmd("audit", "--url", base, "--key", vkey); code != exitOK || !strings.Contains(out, "1 role grants") {
		t.Fatalf("audit with QINGDAN_TOKEN: exit %d: %s; want the grants compared", code, out)
	}
}

func TestAuditCatchesRewrittenEntry(t *testing.T) {
	dir, vkey := listsFixture(t)
	sqlite(t, dir, `DROP TRIGGER ledger_entries_no_update`,
		`UPDATE ledger_entries SET body = CAST(replace(CAST(body AS TEXT), '"change_note":"清单初次公布"', '"change_note":"清单初次公佈"') AS BLOB) WHERE idx = 5`)
	base, _ := serving(t, dir)
	evidence := t.TempDir()
	code, out := runCmd("audit", "--url", base, "--key", vkey, "--evidence", evidence)
	if code != exitTampered || !strings.Contains(out, "entry 5:") || !strings.Contains(out, "rewritten") {
		t.Fatalf("audit of a rewritten entry: exit %d: %s; want %d naming entry 5", code, out, exitTampered)
	}
	files := evidenceFiles(t, evidence)
	mustOpenWith(t, files["checkpoint.txt"], vkey)
	if !bytes.Contains(files["entry-5.json"], []byte("清单初次公佈")) {
		t.Fatalf("evidence lacks the rewritten entry as served: %v", keys(files))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAuditCatchesTruncatedLog(t *testing.T) {
	dir, vkey := listsFixture(t)
	state := filepath.Join(t.TempDir(), "state.json")
	base, stop := serving(t, dir)
	if code, out := runCmd("audit", "--url", base, "--key", vkey, "--state", state); code != exitOK {
		t.Fatalf("first audit: exit %d: %s", code, out)
	}
	stop()
	var size int64
	st := readState(t, state)
	size = st.Size
	sqlite(t, dir, `DROP TRIGGER ledger_entries_no_delete`, `DROP TRIGGER ledger_checkpoints_no_delete`,
		fmt.Sprintf(`DELETE FROM ledger_entries WHERE idx >= %d`, size-10),
		fmt.Sprintf(`DELETE FROM ledger_checkpoints WHERE size > %d`, size-10))
	base, _ = serving(t, dir)
	evidence := t.TempDir()
	code, out := runCmd("audit", "--url", base, "--key", vkey, "--state", state, "--evidence", evidence)
	if code != exitTampered || !strings.Contains(out, "shrank") {
		t.Fatalf("audit of a truncated log: exit %d: %s; want %d", code, out, exitTampered)
	}
	files := evidenceFiles(t, evidence)
	before, now := mustOpenWith(t, files["checkpoint-before.txt"], vkey), mustOpenWith(t, files["checkpoint-now.txt"], vkey)
	if before.Size != size || now.Size != size-10 {
		t.Fatalf("evidence checkpoints of sizes %d and %d, want %d and %d", before.Size, now.Size, size, size-10)
	}
}

type savedState struct {
	Size       int64  `json:"size"`
	Checkpoint string `json:"checkpoint"`
}

func readState(t *testing.T, path string) savedState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s savedState
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// forked returns two copies of one data folder that diverge after their
// common prefix, under the same key: a has 20 more entries, b 25 others.
func forked(t *testing.T) (a, b, vkey string) {
	a, vkey = listsFixture(t)
	b = t.TempDir()
	copyDir(t, a, b)
	appendEntries(t, a, 20, "copy A")
	appendEntries(t, b, 25, "copy B")
	return a, b, vkey
}

func TestAuditCatchesFork(t *testing.T) {
	a, b, vkey := forked(t)
	state := filepath.Join(t.TempDir(), "state.json")
	baseA, stopA := serving(t, a)
	if code, out := runCmd("audit", "--url", baseA, "--key", vkey, "--state", state); code != exitOK {
		t.Fatalf("audit of copy A: exit %d: %s", code, out)
	}
	stopA()
	baseB, _ := serving(t, b)
	evidence := t.TempDir()
	code, out := runCmd("audit", "--url", baseB, "--key", vkey, "--state", state, "--evidence", evidence)
	if code != exitTampered || !strings.Contains(out, "fork") {
		t.Fatalf("audit of copy B with A's state: exit %d: %s; want %d naming a fork", code, out, exitTampered)
	}
	files := evidenceFiles(t, evidence)
	before, now := mustOpenWith(t, files["checkpoint-before.txt"], vkey), mustOpenWith(t, files["checkpoint-now.txt"], vkey)
	if now.Size <= before.Size || files["consistency-proof.txt"] == nil {
		t.Fatalf("evidence: sizes %d → %d and proof %q", before.Size, now.Size, files["consistency-proof.txt"])
	}
}

func TestAuditCatchesServedListItemNotInLedger(t *testing.T) {
	dir, vkey := listsFixture(t)
	var code string
	db, err := sql.Open("sqlite3", filepath.Join(dir, store.DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT code FROM powers ORDER BY code LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The operator edits a published power's legal time limit in the
	// list table, without a ledger entry.
	sqlite(t, dir, fmt.Sprintf(`UPDATE powers SET item = json_set(item, '$.legal_limit', 99) WHERE code = '%s'`, code))
	base, _ := serving(t, dir)
	evidence := t.TempDir()
	exit, out := runCmd("audit", "--url", base, "--key", vkey, "--evidence", evidence)
	if exit != exitTampered || !strings.Contains(out, "power "+code+": field legal_limit is served as 99") {
		t.Fatalf("audit of an altered list: exit %d: %s; want %d naming power %s", exit, out, exitTampered, code)
	}
	files := evidenceFiles(t, evidence)
	if !bytes.Contains(files["differences.txt"], []byte(code)) {
		t.Fatalf("evidence lacks the difference: %s", files["differences.txt"])
	}
}

func TestAuditCatchesRoleGrantNotInLedger(t *testing.T) {
	dir, vkey := listsFixture(t)
	sqlite(t, dir, `INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('g', 'clerk.audit', 'role:sysadmin', '*')`)
	base, _ := serving(t, dir)
	code, out := runCmd("audit", "--url", base, "--key", vkey, "--evidence", t.TempDir(), "--token", fixtureAuditToken)
	if code != exitTampered || !strings.Contains(out, "role grant clerk.audit sysadmin *") {
		t.Fatalf("audit of a grant outside the ledger: exit %d: %s", code, out)
	}
}

func TestAuditCheckpointSignedByAnotherKey(t *testing.T) {
	dir, vkey := listsFixture(t)
	other := t.TempDir() // another log answering at the audited address
	base, _ := serving(t, other)
	evidence := t.TempDir()
	code, out := runCmd("audit", "--url", base, "--key", vkey, "--evidence", evidence)
	if code != exitTampered || !strings.Contains(out, "not signed by the pinned key") {
		t.Fatalf("audit of a checkpoint by another key: exit %d: %s", code, out)
	}
	if files := evidenceFiles(t, evidence); !bytes.HasPrefix(files["checkpoint-unverified.txt"], []byte("qingdan.local/ledger\n")) {
		t.Fatalf("evidence: %v", keys(files))
	}
	_ = dir
}

func TestAuditCouldNotCheck(t *testing.T) {
	_, vkey := listsFixture(t)
	cases := [][]string{
		{"audit", "--url", "http://" + freeAddr(t), "--key", vkey},     // nothing listens
		{"audit", "--url", "http://127.0.0.1:1", "--key", "not-a-key"}, // malformed key
		{"audit", "--key", vkey},                                       // neither --url nor --bundle
		{"audit", "--bundle", filepath.Join(t.TempDir(), "missing"), "--key", vkey},
	}
	for _, args := range cases {
		if code, out := runCmd(args...); code != exitError {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitError, out)
		}
	}
}

func TestExportThenOfflineAudit(t *testing.T) {
	dir, vkey := listsFixture(t)
	bundle := filepath.Join(t.TempDir(), "ledger.bundle")
	if code, out := runCmd("export", "--data", dir, "--out", bundle); code != exitOK || !strings.Contains(out, "exported") {
		t.Fatalf("export: exit %d: %s", code, out)
	}
	code, out := runCmd("audit", "--bundle", bundle, "--key", vkey)
	if code != exitOK || !strings.Contains(out, "ledger intact") {
		t.Fatalf("offline audit: exit %d: %s", code, out)
	}
	// One byte of one entry changed in the bundle is caught.
	raw, _ := os.ReadFile(bundle)
	i := bytes.Index(raw, []byte("清单初次公布"))
	raw[i+len("清单初次公布")-1] ^= 1
	if err := os.WriteFile(bundle, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := runCmd("audit", "--bundle", bundle, "--key", vkey, "--evidence", t.TempDir()); code != exitTampered {
		t.Fatalf("offline audit of an altered bundle: exit %d: %s; want %d", code, out, exitTampered)
	}
}

func TestReceiptVerify(t *testing.T) {
	dir, vkey := listsFixture(t)
	base, _ := serving(t, dir)
	resp, err := http.Get(base + "/api/v1/ledger/entries/7")
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	files := t.TempDir()
	good := filepath.Join(files, "entry-7.json")
	os.WriteFile(good, answer, 0o600)
	if code, out := runCmd("receipt", "verify", good, "--key", vkey); code != exitOK || !strings.Contains(out, "entry 7") {
		t.Fatalf("receipt verify: exit %d: %s", code, out)
	}
	var parsed struct {
		Body    []byte          `json:"body"`
		Receipt json.RawMessage `json:"receipt"`
	}
	json.Unmarshal(answer, &parsed)
	r, err := ledger.ParseReceipt(parsed.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	// The same receipt as a C2SP tlog-proof with the entry as extra data.
	proof := "c2sp.org/tlog-proof@v1\nextra " + base64.StdEncoding.EncodeToString(parsed.Body) + "\nindex 7\n"
	for _, h := range r.Inclusion {
		proof += h.String() + "\n"
	}
	proof += "\n" + r.Checkpoint
	os.WriteFile(filepath.Join(files, "e.tlog-proof"), []byte(proof), 0o600)
	if code, out := runCmd("receipt", "verify", filepath.Join(files, "e.tlog-proof"), "--key", vkey); code != exitOK {
		t.Fatalf("tlog-proof verify: exit %d: %s", code, out)
	}
	// A receipt for an entry that is not in the log: another body at
	// index 7 with the real proof and checkpoint.
	notInLog := []byte(strings.Replace(string(parsed.Body), `"index":7`, `"index":7 `, 1))
	r.LeafHash = ledger.LeafHash(notInLog)
	forged, _ := json.Marshal(r)
	os.WriteFile(filepath.Join(files, "forged.json"), forged, 0o600)
	if code, out := runCmd("receipt", "verify", filepath.Join(files, "forged.json"), "--key", vkey); code != exitTampered || !strings.Contains(out, "does not prove") {
		t.Fatalf("receipt for an entry not in the log: exit %d: %s; want %d", code, out, exitTampered)
	}
	other, _, err := ledger.NewKey(ledger.DefaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runCmd("receipt", "verify", good, "--key", other.VerifierKey); code != exitTampered {
		t.Fatalf("receipt checked with another log's key: exit %d: %s; want %d", code, out, exitTampered)
	}
}
