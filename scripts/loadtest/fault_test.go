package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFaultKillUnderLoad is the fault run (QINGDAN_FAULT=1): the built
// server on the demo county takes the mixed load of this tool (public
// reads, submissions, officials' decisions) and is killed with SIGKILL at
// a random moment, several times. After each kill:
//   - `qingdan verify` of the data folder, against the verifier key
//     pinned at the first start, exits 0;
//   - the server restarts on the same folder, and `loadtest
//     -check-receipts` shows that every receipt acknowledged in this round
//     and all earlier ones is in its log at its index with its leaf hash,
//     valid under the pinned key, its checkpoint consistent with the
//     server's current one.
//
// QINGDAN_FAULT_ROUNDS sets the number of kills (default 5).
func TestFaultKillUnderLoad(t *testing.T) {
	if os.Getenv("QINGDAN_FAULT") != "1" {
		t.Skip("the fault run builds and kills a real server under load: set QINGDAN_FAULT=1")
	}
	rounds := 5
	if n, err := strconv.Atoi(os.Getenv("QINGDAN_FAULT_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	bins := t.TempDir()
	server, tool := filepath.Join(bins, "qingdan"), filepath.Join(bins, "loadtest")
	for _, b := range [][]string{{server, "../../cmd/qingdan"}, {tool, "."}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	dir, work := t.TempDir(), t.TempDir()
	receipts := filepath.Join(work, "receipts.jsonl")
	addr := freeLoopback(t)
	base := "http://" + addr

	srv := startServe(t, server, addr, dir, "--demo")
	vkey := serverKey(t, base)
	t.Logf("pinned %s", vkey)
	for round := 1; round <= rounds; round++ {
		before := lines(t, receipts)
		load := exec.Command(tool, "-url", base, "-mix", "mixed", "-clients", "32", "-rate", "400",
			"-duration", "5m", "-receipts-out", receipts)
		var loadOut bytes.Buffer
		load.Stdout, load.Stderr = &loadOut, &loadOut
		if err := load.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment once the load is under way.
		deadline := time.Now().Add(2 * time.Minute)
		for lines(t, receipts) == before && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Duration(2000+rand.IntN(6000)) * time.Millisecond)
		srv.Process.Kill()
		srv.Wait()
		load.Process.Signal(syscall.SIGTERM)
		load.Wait()
		acked := lines(t, receipts)
		if acked == before {
			t.Fatalf("round %d: no write was acknowledged before the kill:\n%s", round, loadOut.String())
		}
		if out, err := exec.Command(server, "verify", "--data", dir, "--vkey", vkey).CombinedOutput(); err != nil {
			t.Fatalf("round %d: verify after SIGKILL: %v\n%s", round, err, out)
		}
		srv = startServe(t, server, addr, dir)
		out, err := exec.Command(tool, "-url", base, "-check-receipts", receipts, "-vkey", vkey).CombinedOutput()
		if err != nil {
			t.Fatalf("round %d: receipts after restart: %v\n%s", round, err, out)
		}
		t.Logf("round %d: killed under load; %d receipts acknowledged this round, %d in all\n%s%s", round,
			acked-before, acked, lastLines(loadOut.String(), 12), out)
	}
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("graceful stop after the last round: %v", err)
	}
	if out, err := exec.Command(server, "verify", "--data", dir, "--vkey", vkey).CombinedOutput(); err != nil {
		t.Fatalf("final verify: %v\n%s", err, out)
	}
}

func freeLoopback(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe starts 'qingdan serve' and waits until it is ready.
func startServe(t *testing.T, bin, addr, dir string, extra ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", dir, "--rate-limit", "0"}, extra...)...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QINGDAN_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	for range 1200 {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became ready")
	return nil
}

func serverKey(t *testing.T, base string) string {
	resp, err := http.Get(base + "/api/v1/ledger/key")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var k struct {
		VerifierKey string `json:"verifier_key"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&k); err != nil {
		t.Fatal(err)
	}
	return k.VerifierKey
}

// lines counts the complete lines of a file (0 if it does not exist).
func lines(t *testing.T, path string) int {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n") + "\n"
}
