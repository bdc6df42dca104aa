package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qingdan/data/store"

	_ "github.com/mattn/go-sqlite3"
)

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveFor runs 'qingdan serve' until fn returns, then stops it as SIGTERM
// would and returns what it printed.
func serveFor(t *testing.T, args []string, fn func(base string)) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), &out, io.Discard) }()
	base := "http://" + addr
	waitReady(t, base)
	fn(base)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	return out.String()
}

// waitReady waits for the server; seeding the demo (with its past of
// applications) takes a while, longer under the race detector.
func waitReady(t testing.TB, base string) {
	t.Helper()
	for i := 0; i < 2400; i++ {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became ready")
}

func runCmd(args ...string) (int, string) {
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

func TestServeThenVerify(t *testing.T) {
	dir := t.TempDir()
	printed := serveFor(t, []string{"--data", dir}, func(base string) {
		resp, err := http.Get(base + "/checkpoint")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /checkpoint: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	if !strings.Contains(printed, "verifier key:  qingdan.local/ledger+") {
		t.Fatalf("serve did not print the verifier key: %s", printed)
	}
	if code, out := runCmd("verify", "--data", dir); code != exitOK || !strings.Contains(out, "ledger intact: 1 entries") {
		t.Fatalf("verify: exit %d: %s", code, out)
	}
	// A second start appends nothing new and still verifies.
	serveFor(t, []string{"--data", dir}, func(string) {})
	if code, out := runCmd("verify", "--data", dir); code != exitOK || !strings.Contains(out, "1 entries") {
		t.Fatalf("verify after restart: exit %d: %s", code, out)
	}
}

func TestVerifyNamesTheFirstBadIndex(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir}, func(string) {})
	db, err := sql.Open("sqlite3", filepath.Join(dir, store.DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DROP TRIGGER ledger_entries_no_update`,
		`UPDATE ledger_entries SET body = replace(body, 'qingdan.local', 'qingdan.locaL') WHERE idx = 0`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, out := runCmd("verify", "--data", dir)
	if code != exitTampered || !strings.Contains(out, "entry 0") {
		t.Fatalf("verify of a tampered ledger: exit %d: %s; want %d naming entry 0", code, out, exitTampered)
	}
}

func TestVerifyCannotCheck(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir}, func(string) {})
	cases := [][]string{
		{"verify", "--data", filepath.Join(t.TempDir(), "missing")},
		{"verify", "--data", dir, "--vkey", "not-a-key"}, // a database, but a malformed key
		{"nonsense"},
		{},
	}
	for _, args := range cases {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			if code, out := runCmd(args...); code != exitError {
				t.Fatalf("exit %d, want %d: %s", code, exitError, out)
			}
		})
	}
}

func TestVerifyWithAnotherKeyFails(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir}, func(string) {})
	other := "qingdan.local/ledger+00000000+AZsIqLq6oMXFxjIQ96mTPncDFk6TFZy17V3UoysTHQJp"
	if code, out := runCmd("verify", "--data", dir, "--vkey", other); code == exitOK {
		t.Fatalf("verify with a foreign key passed: %s", out)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("QINGDAN_DATA", dir)
	serveFor(t, nil, func(string) {})
	if code, out := runCmd("verify"); code != exitOK {
		t.Fatalf("verify with QINGDAN_DATA: exit %d: %s", code, out)
	}
}

func TestDemoServeAndVerifyCatchesAlteredList(t *testing.T) {
	dir := t.TempDir()
	serveFor(t, []string{"--data", dir, "--demo"}, func(base string) {
		resp, err := http.Get(base + "/api/v1/powers?category=XK")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET powers: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	if code, out := runCmd("verify", "--data", dir); code != exitOK || !strings.Contains(out, "lists match the ledger") {
		t.Fatalf("verify of the demo: exit %d: %s", code, out)
	}
	db, err := sql.Open("sqlite3", filepath.Join(dir, store.DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE powers SET category = 'QT' WHERE code = 'XK-SCJG-001'`); err != nil {
		t.Fatal(err)
	}
	code, out := runCmd("verify", "--data", dir)
	if code != exitTampered || !strings.Contains(out, "powers XK-SCJG-001: field category is QT, the ledger gives XK") {
		t.Fatalf("verify of an altered list: exit %d: %s", code, out)
	}
}

// TestImportRealCatalogue imports a real county's published catalogue
// twice through the command; the second import changes nothing, and the
// ledger and lists verify.
func TestImportRealCatalogue(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join("..", "..", "data", "listfile", "testdata", "guangan-catalogue.csv")
	code, out := runCmd("import", "--data", dir, "--basis", "广安区政务服务事项目录", "--note", "导入", file)
	if code != exitOK {
		t.Fatalf("import: exit %d: %s", code, out)
	}
	if !strings.Contains(out, "appended 1169 ledger entries") {
		t.Fatalf("import result: %s", out)
	}
	code, out = runCmd("import", "--data", dir, "--basis", "x", "--note", "again", file)
	if code != exitOK || !strings.Contains(out, "ledger entries to append: 0") || !strings.Contains(out, "787 unchanged") {
		t.Fatalf("second import: exit %d: %s", code, out)
	}
	if code, out := runCmd("verify", "--data", dir); code != exitOK || !strings.Contains(out, "lists match the ledger") ||
		!strings.Contains(out, "ledger intact: 1170 entries") {
		t.Fatalf("verify after import: exit %d: %s", code, out)
	}
}

// TestUserAddThenLogin bootstraps a security administrator from the
// command line and logs in with it over HTTP.
func TestUserAddThenLogin(t *testing.T) {
	dir := t.TempDir()
	f := &userFlags{storageConfig: storageConfig{dataDir: dir, origin: "qingdan.local/ledger"},
		username: "sec.zhang", name: "张安全", dept: "*", roles: []string{"secadmin"}}
	var out bytes.Buffer
	if err := addUser(context.Background(), f, "weak", &out); err == nil {
		t.Fatal("a weak password was accepted")
	}
	if err := addUser(context.Background(), f, "correct horse battery staple 9", &out); err != nil {
		t.Fatal(err)
	}
	bad := &userFlags{storageConfig: f.storageConfig, username: "two.hats", name: "两职", dept: "*", roles: []string{"secadmin", "auditor"}}
	if err := addUser(context.Background(), bad, "correct horse battery staple 9", &out); err == nil {
		t.Fatal("secadmin and auditor granted to one user")
	}
	serveFor(t, []string{"--data", dir}, func(base string) {
		resp, err := http.Post(base+"/api/v1/login", "application/json",
			strings.NewReader(`{"username":"sec.zhang","password":"correct horse battery staple 9"}`))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("login: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	if code, out := runCmd("verify", "--data", dir); code != exitOK {
		t.Fatalf("verify: %d %s", code, out)
	}
}
