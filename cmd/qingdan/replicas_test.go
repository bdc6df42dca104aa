package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"qingdan/data/personal"
	"qingdan/data/pgtest"
	"qingdan/ledger"
)

// buildServer builds the qingdan binary into a temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
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
	return bin
}

// TestReplicasOnPostgres runs three 'qingdan serve' processes on
// different ports against one PostgreSQL database, with one shared pair of
// signing keys (one --data folder holding ledger.key and seclog.key), and
// has clients write through all three at once: applications submitted,
// accepted, reviewed and decided, and list items amended. Then:
//   - every replica took writes, and no index was acknowledged twice;
//   - every acknowledged receipt verifies offline, its entry is in the
//     final log with the same leaf hash, and its checkpoint is consistent
//     with the final one (h.check);
//   - `qingdan verify --db …` passes: one chain with no fork and no gap,
//     every signed checkpoint, the security log, and the projections
//     rebuilt from the ledger;
//   - a session started on one replica works on the others, and a role
//     revoked through one is enforced by another within 5 s.
func TestReplicasOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three servers; skipped with -short")
	}
	dsn := pgtest.Schema(t)
	bin := buildServer(t)
	keys := t.TempDir() // the data folder: with --db it holds only the keys
	first := startServer(t, bin, keys, "--db", dsn, "--demo")
	servers := []*serverProc{first, startServer(t, bin, keys, "--db", dsn), startServer(t, bin, keys, "--db", dsn)}

	h := &crashHarness{t: t, base: first.base, http: newCrashClient()}
	h.pinKey()
	depts := []string{"scjg", "gaj", "mzj", "zjj"}
	h.setupOfficials(depts)
	checkRolesAcrossReplicas(t, h, servers)

	const workers = 12
	editors := make(map[string]string)
	for _, d := range depts {
		editors[d] = h.token("editor." + d)
	}
	powers := powersToAmend(h, depts, workers/len(depts))
	acks, perServer := writeThroughReplicas(h, servers, editors, powers, workers, 4*time.Second)
	t.Logf("acknowledged writes per replica: %v (%d in all)", perServer, len(acks))
	for i, n := range perServer {
		if n == 0 {
			t.Fatalf("replica %d acknowledged no write", i+1)
		}
	}
	h.acks = acks
	h.base = servers[2].base
	h.check(1)
	if t.Failed() {
		t.FailNow()
	}
	for _, s := range servers {
		s.cmd.Process.Signal(syscall.SIGTERM)
	}
	for i, s := range servers {
		<-s.done
		if code := s.cmd.ProcessState.ExitCode(); code != 0 {
			t.Fatalf("replica %d exited %d on SIGTERM:\n%s", i+1, code, s.out.String())
		}
	}
	code, out := runBinary(bin, "verify", "--db", dsn, "--data", keys, "--vkey", h.vkey)
	if code != 0 || !strings.Contains(out, "security log intact") || !strings.Contains(out, "lists match the ledger") {
		t.Fatalf("verify --db exited %d:\n%s", code, out)
	}
	t.Logf("verify: %s", strings.TrimSpace(out))
}

// checkRolesAcrossReplicas logs in on replica 1, revokes a clerk's role
// through replica 2 with that session, and expects replica 3 to refuse the
// clerk within 5 s; then grants it back and expects it allowed again.
func checkRolesAcrossReplicas(t *testing.T, h *crashHarness, servers []*serverProc) {
	t.Helper()
	cookie, csrf := sessionOn(t, h, servers[0].base, "secadmin")
	clerkCookie, clerkCSRF := sessionOn(t, h, servers[0].base, "clerk.zjj")
	role := map[string]string{"user": "clerk.zjj", "role": "clerk", "dept": "zjj"}
	on := func(s *serverProc) *crashHarness { c := *h; c.base = s.base; return &c }
	queue := func(want int) {
		t.Helper()
		start := time.Now()
		for {
			status, _, err := on(servers[2]).call("GET", "/api/v1/applications?dept=zjj", nil, "", clerkCookie, clerkCSRF)
			if err == nil && status == want {
				t.Logf("replica 3 answered %d after %s", want, time.Since(start).Round(time.Millisecond))
				return
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("replica 3 still answers %d (%v) 5 s after the role change on replica 2, want %d", status, err, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	queue(200)
	for _, step := range []struct {
		path string
		want int
	}{{"/api/v1/roles/revoke", 403}, {"/api/v1/roles/grant", 200}} {
		status, b, err := on(servers[1]).call("POST", step.path, role, "", cookie, csrf)
		if err != nil || status != 200 {
			t.Fatalf("%s on replica 2 with a session from replica 1: %d %v %s", step.path, status, err, b)
		}
		queue(step.want)
	}
}

// sessionOn logs user in on base and returns the session cookie and CSRF
// token.
func sessionOn(t *testing.T, h *crashHarness, base, user string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/login", strings.NewReader(`{"username":"`+user+`","password":"qingdan-demo"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.http.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", user, resp, err)
	}
	defer resp.Body.Close()
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil {
		t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "qingdan_session" {
			return c.Value, login.CSRF
		}
	}
	t.Fatalf("login %s: no session cookie", user)
	return "", ""
}

// powerToAmend is a power in force that one client amends repeatedly.
type powerToAmend struct{ dept, code string }

// powersToAmend picks n powers in force per department.
func powersToAmend(h *crashHarness, depts []string, n int) []powerToAmend {
	var out []powerToAmend
	for _, d := range depts {
		var page struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
		}
		h.get("/api/v1/powers?per_page=100&status=in_force&dept="+d, &page)
		if len(page.Items) < n {
			h.t.Fatalf("department %s has %d powers in force, want %d", d, len(page.Items), n)
		}
		for _, p := range page.Items[:n] {
			out = append(out, powerToAmend{dept: d, code: p.Code})
		}
	}
	return out
}

// writeThroughReplicas has workers write for d, worker w through replica
// w mod 3: an amendment of its own power, then an application taken from
// submission to decision. It returns every acknowledged receipt and how
// many each replica acknowledged.
func writeThroughReplicas(h *crashHarness, servers []*serverProc, editors map[string]string, powers []powerToAmend,
	workers int, d time.Duration) ([]ledger.Receipt, []int) {
	t := h.t
	var mu sync.Mutex
	var acks []ledger.Receipt
	perServer := make([]int, len(servers))
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		c := *h
		c.base = servers[w%len(servers)].base
		o := h.officials[w%len(h.officials)]
		p := powers[w]
		wg.Go(func() {
			ack := func(what string, status, want int, b []byte, err error) bool {
				var ans struct {
					Receipt *ledger.Receipt `json:"receipt"`
				}
				if err != nil || status != want || json.Unmarshal(b, &ans) != nil || ans.Receipt == nil {
					if status == 409 && what == "submit" { // a random application number taken already
						return false
					}
					t.Errorf("worker %d, %s through %s: %d %v %s", w, what, c.base, status, err, b)
					stop.Store(true)
					return false
				}
				mu.Lock()
				acks = append(acks, *ans.Receipt)
				perServer[w%len(servers)]++
				mu.Unlock()
				return true
			}
			for n := 0; !stop.Load(); n++ {
				amend := map[string]any{"conditions": fmt.Sprintf("申请条件（副本测试第%d次修订）", n), "basis_doc": fmt.Sprintf("清编办〔2026〕%d号", n+100),
					"change_note": "副本测试", "major": false}
				status, b, err := c.call("PUT", "/api/v1/powers/"+p.code, amend, editors[p.dept], "", "")
				ack("amend "+p.code, status, 200, b, err)
				body := map[string]any{"service_code": o.service, "summary": "replica test", "applicant": map[string]any{
					"type": "natural", "name": "司马相如", "id_type": "resident_id", "id_number": "11010519491231002X",
					"phone": "13812345678", "address": "清江县文昌路16号"}}
				status, b, err = c.call("POST", "/api/v1/applications", body, "", "", "")
				if !ack("submit", status, 201, b, err) {
					continue
				}
				var sub struct {
					Number string `json:"number"`
				}
				json.Unmarshal(b, &sub)
				for _, step := range []struct {
					action, token string
					body          map[string]any
				}{
					{"accept", o.clerk, map[string]any{}},
					{"review", o.clerk, map[string]any{"opinion": "材料齐全"}},
					{"decide", o.approver, map[string]any{"outcome": "approved", "reason": "符合条件", "basis": "依法准予"}},
				} {
					status, b, err := c.call("POST", "/api/v1/applications/"+sub.Number+"/"+step.action, step.body, step.token, "", "")
					if !ack(step.action, status, 200, b, err) {
						break
					}
				}
			}
		})
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	return acks, perServer
}

// TestReplicasStartTogether starts three replicas at the same moment on an
// empty PostgreSQL database: the migrations run once (an advisory lock
// orders them), exactly one of them writes the ledger's first entry, and
// the result verifies.
func TestReplicasStartTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three servers; skipped with -short")
	}
	dsn := pgtest.Schema(t)
	bin := buildServer(t)
	keys := t.TempDir() // the keys exist before the start, as the operator copied them
	for name, origin := range map[string]string{"ledger.key": ledger.DefaultOrigin, "seclog.key": securityOrigin(ledger.DefaultOrigin)} {
		_, skey, err := ledger.NewKey(origin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(keys, name), []byte(skey+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The personal-data key too: replicas share it (docs/operations.md).
	// Without it, the first replica would create one while another, a
	// moment later, finds data keys in the database and no file, and
	// refuses to start.
	piiKey, err := personal.NewPIIMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := personal.WritePIIKeyFile(filepath.Join(keys, piiKeyName), []personal.PIIMasterKey{piiKey}); err != nil {
		t.Fatal(err)
	}
	servers := make([]*serverProc, 3)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() { servers[i] = startServer(t, bin, keys, "--db", dsn) })
	}
	wg.Wait()
	if slices.Contains(servers, nil) { // a start failed (reported above)
		t.FailNow()
	}
	h := &crashHarness{t: t, base: servers[1].base, http: newCrashClient()}
	var page struct {
		Entries []struct {
			Body []byte `json:"body"`
		} `json:"entries"`
	}
	h.get("/api/v1/ledger/entries?start=0&limit=100", &page)
	created := 0
	for _, e := range page.Entries {
		var entry struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(e.Body, &entry); err != nil {
			t.Fatal(err)
		}
		if entry.Type == "log.created" {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d log.created entries among %d, want exactly 1", created, len(page.Entries))
	}
	for _, s := range servers {
		s.cmd.Process.Signal(syscall.SIGTERM)
		<-s.done
	}
	if code, out := runBinary(bin, "verify", "--db", dsn, "--data", keys); code != 0 {
		t.Fatalf("verify exited %d:\n%s", code, out)
	}
}
