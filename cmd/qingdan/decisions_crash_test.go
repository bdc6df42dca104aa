package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// TestDecisionsCrash kills the real server with SIGKILL while 16 clients
// run applications through submit → accept → review → decide over HTTP,
// five times in a row on one data folder, restarting it after each kill.
//
// What it proves, for the built binary with its SQLite store: an answer
// that carries a receipt is only sent once the entry is durable as far as
// the process is concerned. After every kill (no shutdown, no flushing,
// requests in flight cut off):
//   - `qingdan verify` of the data folder, against the verifier key pinned
//     at the first start, exits 0: the ledger, its signed checkpoints, the
//     security log and the published lists are intact;
//   - every receipt any client was given — in this round and all earlier
//     ones — names an entry that the restarted server holds at that index
//     with the same leaf hash; the receipt verifies offline against the
//     pinned key, and the checkpoint it carries is consistent with the
//     restarted server's signed checkpoint (so the entry is in the log it
//     serves, not a fork); no index was acknowledged twice;
//   - the last application each client was acting on is, after the
//     restart, in the state its last acknowledged action put it in (or one
//     step further, when the action in flight at the kill committed without
//     being acknowledged): the projection committed with its entry.
//
// What it does not prove: durability across power loss or a kernel crash.
// SIGKILL leaves the operating system's page cache in place, so writes
// that reached the kernel but were never fsynced survive here; the fsync
// discipline itself (synchronous=FULL) is only argued, not tested.
func TestDecisionsCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the server")
	}
	bin := filepath.Join(t.TempDir(), "qingdan")
	build := exec.Command(goBin, "build", "-o", bin, ".")
	build.Env = withoutQingdanEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	srv := startServer(t, bin, dir, "--demo")
	h := &crashHarness{t: t, base: srv.base, http: newCrashClient()}
	h.pinKey()
	h.setupOfficials([]string{"scjg", "gaj", "mzj", "zjj"})

	const rounds, workers = 5, 16
	for round := 1; round <= rounds; round++ {
		killAfter := 500*time.Millisecond + rand.N(1500*time.Millisecond)
		n := h.stream(srv, workers, killAfter)
		if n == 0 {
			t.Fatalf("round %d: no write was acknowledged in %v", round, killAfter)
		}
		if code, out := runBinary(bin, "verify", "--data", dir, "--vkey", h.vkey); code != 0 {
			t.Fatalf("round %d: verify after SIGKILL exited %d:\n%s", round, code, out)
		}
		srv = startServer(t, bin, dir)
		h.base, h.http = srv.base, newCrashClient()
		h.check(round)
		if t.Failed() {
			t.Fatalf("round %d: killed after %v; %d writes acknowledged (%d in all)", round,
				killAfter.Round(time.Millisecond), n, len(h.acks))
		}
		t.Logf("round %d: killed after %v; %d writes acknowledged (%d in all), all durable", round,
			killAfter.Round(time.Millisecond), n, len(h.acks))
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("graceful stop after the last restart exited %d:\n%s", code, srv.out.String())
	}
	if code, out := runBinary(bin, "verify", "--data", dir, "--vkey", h.vkey); code != 0 {
		t.Fatalf("final verify exited %d:\n%s", code, out)
	}
}

// withoutQingdanEnv is the environment without QINGDAN_* settings, which
// would change the server's flags.
func withoutQingdanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QINGDAN_") {
			env = append(env, kv)
		}
	}
	return env
}

func runBinary(bin string, args ...string) (int, string) {
	cmd := exec.Command(bin, args...)
	cmd.Env = withoutQingdanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		return -1, err.Error()
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serverProc is a running 'qingdan serve' process.
type serverProc struct {
	cmd  *exec.Cmd
	base string
	out  *lockedBuffer
	done chan struct{} // closed once the process has exited
}

func startServer(t *testing.T, bin, dir string, extra ...string) *serverProc {
	t.Helper()
	addr := freeAddr(t)
	// --rate-limit 0: 16 clients on one address are far above the public
	// limit per address.
	cmd := exec.Command(bin, append([]string{"serve", "--data", dir, "--addr", addr, "--rate-limit", "0"}, extra...)...)
	cmd.Env = withoutQingdanEnv()
	p := &serverProc{cmd: cmd, base: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("serve %v exited before it was ready:\n%s", extra, p.out.String())
		default:
		}
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve never became ready:\n%s", p.out.String())
	return nil
}

func newCrashClient() *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64, Proxy: nil}}
}

// crashHarness is the clients' side: the pinned key, the officials'
// tokens, and every receipt acknowledged so far.
type crashHarness struct {
	t         *testing.T
	base      string
	http      *http.Client
	origin    string
	vkey      string
	verifier  note.Verifier
	officials []officials

	acks []ledger.Receipt
	// checkedTo is the restarted server's checkpoint that the receipts of
	// earlier rounds were shown consistent with.
	checkedTo *ledger.Checkpoint
	nChecked  int // acks[:nChecked] were verified offline already
	lastApps  []appAck
}

// officials are API tokens of a department's clerk and approver (tokens
// outlive restarts; sessions do not).
type officials struct {
	dept, service   string
	clerk, approver string
}

type appAck struct {
	number, queryCode, state string
}

// call sends a request; it returns the status and body, or an error for a
// transport failure.
func (h *crashHarness) call(method, path string, body any, bearer, cookie, csrf string) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "qingdan_session", Value: cookie})
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (h *crashHarness) get(path string, out any) {
	h.t.Helper()
	status, b, err := h.call("GET", path, nil, "", "", "")
	if err != nil || status != 200 {
		h.t.Fatalf("GET %s: %d %v %s", path, status, err, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
}

func (h *crashHarness) pinKey() {
	var key struct {
		Origin      string `json:"origin"`
		VerifierKey string `json:"verifier_key"`
	}
	h.get("/api/v1/ledger/key", &key)
	v, err := note.NewVerifier(key.VerifierKey)
	if err != nil {
		h.t.Fatal(err)
	}
	h.origin, h.vkey, h.verifier = key.Origin, key.VerifierKey, v
}

// setupOfficials finds, for each department, a service whose power is in
// force, and gives its clerk and approver API tokens.
func (h *crashHarness) setupOfficials(depts []string) {
	t := h.t
	for _, d := range depts {
		o := officials{dept: d}
		var svcs struct {
			Items []struct {
				Code      string `json:"code"`
				PowerCode string `json:"power_code"`
			} `json:"items"`
		}
		h.get("/api/v1/services?per_page=100&dept="+d, &svcs)
		for _, s := range svcs.Items {
			if s.PowerCode == "" {
				continue
			}
			var p struct {
				Status string `json:"status"`
			}
			h.get("/api/v1/powers/"+s.PowerCode, &p)
			if p.Status == "in_force" {
				o.service = s.Code
				break
			}
		}
		if o.service == "" {
			t.Fatalf("department %s has no service whose power is in force", d)
		}
		o.clerk, o.approver = h.token("clerk."+d), h.token("approver."+d)
		h.officials = append(h.officials, o)
	}
}

func (h *crashHarness) token(user string) string {
	t := h.t
	req, _ := http.NewRequest("POST", h.base+"/api/v1/login",
		strings.NewReader(`{"username":"`+user+`","password":"qingdan-demo"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.http.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", user, resp, err)
	}
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "qingdan_session" {
			cookie = c.Value
		}
	}
	status, b, err := h.call("POST", "/api/v1/tokens", map[string]string{"label": "crash test"}, "", cookie, login.CSRF)
	if err != nil || status != 201 {
		t.Fatalf("token for %s: %d %v %s", user, status, err, b)
	}
	var tok struct {
		Token string `json:"token"`
	}
	json.Unmarshal(b, &tok)
	return tok.Token
}

// stream runs the workers' decisions until the server is SIGKILLed after
// killAfter; it returns how many writes were acknowledged.
func (h *crashHarness) stream(srv *serverProc, workers int, killAfter time.Duration) int {
	t := h.t
	var killed atomic.Bool
	var mu sync.Mutex
	var acks []ledger.Receipt
	last := make([]appAck, workers)
	var nerr atomic.Int64
	errorf := func(format string, args ...any) {
		if nerr.Add(1) <= 10 {
			t.Errorf(format, args...)
		} else {
			t.Fail()
		}
	}
	// write sends one write and decodes its answer into out. ok: the write
	// was acknowledged (whether or not the kill has begun); gone: the
	// connection failed, so the server is (being) killed. A non-2xx answer
	// before the kill is an error, except a submission refused because its
	// random number collided with another's: nothing was acknowledged.
	write := func(what, path string, body any, bearer string, want int, out any) (ok, gone bool) {
		status, b, err := h.call("POST", path, body, bearer, "", "")
		switch {
		case err != nil:
			if !killed.Load() {
				errorf("%s: %v", what, err)
			}
			return false, true
		case status != want:
			const dup = "UNIQUE constraint failed: applications.number"
			collision := what == "submit" && (status == 409 || status == 500) &&
				(strings.Contains(string(b), dup) || strings.Contains(srv.out.String(), dup))
			if collision {
				t.Logf("submit: application number collision (%d)", status)
			} else if !killed.Load() {
				errorf("%s: %d %s", what, status, b)
			}
			return false, false
		}
		if err := json.Unmarshal(b, out); err != nil {
			errorf("%s answer: %v", what, err)
			return false, false
		}
		return true, false
	}
	submission := map[string]any{"summary": "crash test", "applicant": map[string]any{"type": "natural", "name": "司马相如",
		"id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13812345678", "address": "清江县文昌路16号"}}
	var wg sync.WaitGroup
	for w := range workers {
		o := h.officials[w%len(h.officials)]
		wg.Go(func() {
			record := func(r ledger.Receipt, app appAck) {
				mu.Lock()
				defer mu.Unlock()
				acks, last[w] = append(acks, r), app
			}
			for !killed.Load() {
				var sub struct {
					Number    string         `json:"number"`
					QueryCode string         `json:"query_code"`
					Receipt   ledger.Receipt `json:"receipt"`
				}
				body := maps.Clone(submission)
				body["service_code"] = o.service
				ok, gone := write("submit", "/api/v1/applications", body, "", 201, &sub)
				if gone {
					return
				}
				if !ok {
					continue
				}
				app := appAck{number: sub.Number, queryCode: sub.QueryCode, state: "submitted"}
				record(sub.Receipt, app)
				for _, step := range []struct {
					action, state, token string
					body                 map[string]any
				}{
					{"accept", "accepted", o.clerk, map[string]any{}},
					{"review", "reviewed", o.clerk, map[string]any{"opinion": "材料齐全"}},
					{"decide", "decided", o.approver, map[string]any{"outcome": "approved", "reason": "符合条件", "basis": "依法准予"}},
				} {
					var ans struct {
						Receipt ledger.Receipt `json:"receipt"`
					}
					ok, gone := write(step.action, "/api/v1/applications/"+app.number+"/"+step.action, step.body, step.token, 200, &ans)
					if gone {
						return
					}
					if !ok {
						break // abandon this application
					}
					app.state = step.state
					record(ans.Receipt, app)
				}
			}
		})
	}
	time.Sleep(killAfter)
	killed.Store(true)
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	wg.Wait()
	h.acks = append(h.acks, acks...)
	h.lastApps = last
	return len(acks)
}

// check runs after a restart: every receipt acknowledged so far is in the
// log the server now serves, with the same leaf hash.
func (h *crashHarness) check(round int) {
	t := h.t
	nerr := 0
	errorf := func(format string, args ...any) {
		if nerr++; nerr <= 20 {
			t.Errorf(format, args...)
		} else {
			t.Fail()
		}
	}
	status, b, err := h.call("GET", "/checkpoint", nil, "", "", "")
	if err != nil || status != 200 {
		t.Fatalf("GET /checkpoint: %d %v", status, err)
	}
	cur, err := ledger.OpenCheckpoint(b, h.origin, h.verifier)
	if err != nil {
		t.Fatalf("round %d: the restarted server's checkpoint does not verify with the pinned key: %v", round, err)
	}

	// The leaf hash of every entry the restarted server serves.
	leaves := make([]tlog.Hash, 0, cur.Size)
	for int64(len(leaves)) < cur.Size {
		var page struct {
			Entries []struct {
				Index    int64     `json:"index"`
				LeafHash tlog.Hash `json:"leaf_hash"`
			} `json:"entries"`
		}
		h.get(fmt.Sprintf("/api/v1/ledger/entries?start=%d&limit=1000", len(leaves)), &page)
		if len(page.Entries) == 0 {
			t.Fatalf("round %d: entries stop at %d of %d", round, len(leaves), cur.Size)
		}
		for _, e := range page.Entries {
			if e.Index != int64(len(leaves)) {
				t.Fatalf("round %d: entry %d listed at %d", round, e.Index, len(leaves))
			}
			leaves = append(leaves, e.LeafHash)
		}
	}

	seen := make(map[int64]bool, len(h.acks))
	for _, r := range h.acks {
		if seen[r.Index] {
			errorf("round %d: entry %d acknowledged twice", round, r.Index)
		}
		seen[r.Index] = true
		if r.Index >= int64(len(leaves)) {
			errorf("round %d: acknowledged entry %d is gone: the log has %d entries", round, r.Index, len(leaves))
		} else if leaves[r.Index] != r.LeafHash {
			errorf("round %d: entry %d has leaf hash %s, the receipt said %s", round, r.Index, leaves[r.Index], r.LeafHash)
		}
	}

	// This round's receipts verify offline; their checkpoints, and the
	// checkpoint the earlier rounds were checked against, are consistent
	// with the restarted server's (consistency is transitive).
	checkpoints := map[string]ledger.Checkpoint{}
	for i := h.nChecked; i < len(h.acks); i++ {
		r := &h.acks[i]
		c, err := ledger.VerifyReceipt(r, nil, h.origin, h.verifier)
		if err != nil {
			errorf("round %d: receipt of entry %d: %v", round, r.Index, err)
			continue
		}
		checkpoints[r.Checkpoint] = c
	}
	h.nChecked = len(h.acks)
	if h.checkedTo != nil {
		checkpoints["previous"] = *h.checkedTo
	}
	for _, c := range checkpoints {
		if c.Size > cur.Size {
			errorf("round %d: a receipt's checkpoint has size %d, the restarted log %d", round, c.Size, cur.Size)
			continue
		}
		var proof struct {
			Hashes []tlog.Hash `json:"hashes"`
		}
		if c.Size < cur.Size {
			h.get(fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", c.Size, cur.Size), &proof)
		}
		if err := tlog.CheckTree(proof.Hashes, cur.Size, cur.Root, c.Size, c.Root); err != nil {
			errorf("round %d: checkpoint of size %d is not consistent with the restarted log's %d: %v", round, c.Size, cur.Size, err)
		}
	}
	h.checkedTo = &cur

	// The last application of each client is where its last acknowledged
	// action left it, or one step on.
	next := map[string]string{"submitted": "accepted", "accepted": "reviewed", "reviewed": "decided", "decided": "decided"}
	for w, a := range h.lastApps {
		if a.number == "" {
			continue
		}
		var v struct {
			State string `json:"state"`
		}
		h.get("/api/v1/applications/"+a.number+"?query_code="+url.QueryEscape(a.queryCode), &v)
		if v.State != a.state && v.State != next[a.state] {
			errorf("round %d: client %d's application %s is %q after the restart; its last acknowledged action left it %q",
				round, w, a.number, v.State, a.state)
		}
	}
}
