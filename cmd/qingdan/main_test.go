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

	_ "github.com/mattn/go-sqlite3"

	"qingdan/data"
)

func freeAddr(t *testing.T) string {
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

func waitReady(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 100; i++ {
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
	db, err := sql.Open("sqlite3", filepath.Join(dir, data.DBFileName))
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
	cases := [][]string{
		{"verify", "--data", filepath.Join(t.TempDir(), "missing")},
		{"verify", "--data", t.TempDir(), "--vkey", "not-a-key"},
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
	db, err := sql.Open("sqlite3", filepath.Join(dir, data.DBFileName))
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
