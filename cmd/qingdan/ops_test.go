package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/web"
)

// builtBinary is 'qingdan' built once for the subprocess tests of this file.
var builtBinary struct {
	once sync.Once
	path string
	err  error
}

func qingdanBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server as a subprocess; skipped with -short")
	}
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "qingdan-ops-test-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.path = filepath.Join(dir, "qingdan")
		build := exec.Command("go", "build", "-o", builtBinary.path, ".")
		build.Env = withoutQingdanEnv()
		if out, err := build.CombinedOutput(); err != nil {
			builtBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtBinary.err != nil {
		t.Fatal(builtBinary.err)
	}
	return builtBinary.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary.path != "" {
		os.RemoveAll(filepath.Dir(builtBinary.path))
	}
	os.Exit(code)
}

// ack is an acknowledged write: the receipt's index and leaf hash, and
// when the answer arrived.
type ack struct {
	index int64
	leaf  string
	at    time.Time
}

// submitter sends public submissions to a server until stopped, keeping
// every acknowledged receipt.
type submitter struct {
	base    string
	service string
	client  *http.Client

	mu   sync.Mutex
	acks []ack
	fail atomic.Int64 // transport errors and non-201 answers
}

func newSubmitter(t *testing.T, base string) *submitter {
	t.Helper()
	var page struct {
		Items []struct {
			Code      string `json:"code"`
			PowerCode string `json:"power_code"`
		} `json:"items"`
	}
	resp, err := http.Get(base + "/api/v1/services?per_page=100")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	s := &submitter{base: base, client: &http.Client{Timeout: 30 * time.Second}}
	for _, it := range page.Items {
		if it.PowerCode == "" {
			continue
		}
		// The first service that takes an application.
		if status, _ := s.submitTo(it.Code); status == 201 {
			s.service = it.Code
			break
		}
	}
	if s.service == "" {
		t.Fatal("no demo service takes applications")
	}
	return s
}

func (s *submitter) submitTo(service string) (int, error) {
	body, _ := json.Marshal(map[string]any{"service_code": service, "summary": "运维测试申请",
		"applicant": map[string]any{"type": "natural", "name": "司马相如", "id_type": "resident_id",
			"id_number": "11010519491231002X", "phone": "13812345678", "address": "清江县文昌路16号"}})
	resp, err := s.client.Post(s.base+"/api/v1/applications", "application/json", bytes.NewReader(body))
	if err != nil {
		s.fail.Add(1)
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		Receipt *ledger.Receipt `json:"receipt"`
	}
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&answer) != nil || answer.Receipt == nil {
		s.fail.Add(1)
		return resp.StatusCode, nil
	}
	s.mu.Lock()
	s.acks = append(s.acks, ack{index: answer.Receipt.Index, leaf: answer.Receipt.LeafHash.String(), at: time.Now()})
	s.mu.Unlock()
	return 201, nil
}

// run submits from workers goroutines until stop is closed.
func (s *submitter) run(workers int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s.submitTo(s.service)
			}
		})
	}
	return &wg
}

func (s *submitter) acknowledged() []ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ack(nil), s.acks...)
}

// mustHoldAll fails unless the data folder's ledger holds every ack at its
// index with its leaf hash.
func mustHoldAll(t *testing.T, dir string, acks []ack) {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[int64]string{}
	if err := ls.ReadRecords(context.Background(), 0, -1, func(r ledger.Record) error {
		leaves[r.Index] = r.Leaf.String()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range acks {
		if got, ok := leaves[a.index]; !ok || got != a.leaf {
			t.Errorf("acknowledged entry %d (leaf %s) is not in the ledger (found %q)", a.index, a.leaf, got)
		}
	}
}

// TestGracefulShutdownKeepsEveryAcknowledgedWrite sends SIGTERM to a real
// server while 16 clients submit applications. The server must exit 0,
// answer the requests it was working on (some answers arrive after the
// signal), and every write it acknowledged must be in the ledger, which
// verifies. Its logs are JSON, one object a line.
func TestGracefulShutdownKeepsEveryAcknowledgedWrite(t *testing.T) {
	bin := qingdanBinary(t)
	dir := t.TempDir()
	srv := startServer(t, bin, dir, "--demo", "--log-format", "json")
	s := newSubmitter(t, srv.base)
	stop := make(chan struct{})
	wg := s.run(16, stop)
	time.Sleep(1500 * time.Millisecond)
	signalled := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("server still running 30 s after SIGTERM:\n%s", srv.out.String())
	}
	close(stop)
	wg.Wait()
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("server exited %d after SIGTERM:\n%s", code, srv.out.String())
	}
	acks := s.acknowledged()
	after := 0
	for _, a := range acks {
		if a.at.After(signalled) {
			after++
		}
	}
	t.Logf("%d writes acknowledged, %d of them answered after SIGTERM; %d requests failed or were refused", len(acks), after, s.fail.Load())
	if len(acks) == 0 {
		t.Fatal("no write was acknowledged")
	}
	if after == 0 {
		t.Error("no request in flight at SIGTERM was answered: in-flight requests were cut off")
	}
	mustHoldAll(t, dir, acks)
	if code, out := runBinary(bin, "verify", "--data", dir); code != 0 {
		t.Fatalf("verify after graceful shutdown exited %d:\n%s", code, out)
	}
	var msgs []string
	for _, line := range strings.Split(srv.out.String(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the banner and demo credentials on stdout
		}
		var rec struct{ Level, Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" {
			t.Errorf("log line is not a JSON record: %s", line)
		}
		msgs = append(msgs, rec.Msg)
	}
	if n := len(msgs); n < 2 || !strings.HasPrefix(msgs[n-2], "shutting down") || msgs[n-1] != "stopped" {
		t.Errorf("the JSON log does not end with shutting down, stopped: %q", msgs)
	}
}

// TestBackupUnderWritesRestoreVerifyServe backs up a running server's data
// twice while clients write, restores the second backup into a new folder,
// verifies it, serves it, and checks that the copy is a prefix of the
// original ledger, byte for byte, holding every write acknowledged before
// the backup started.
func TestBackupUnderWritesRestoreVerifyServe(t *testing.T) {
	bin := qingdanBinary(t)
	dir, work := t.TempDir(), t.TempDir()
	srv := startServer(t, bin, dir, "--demo")
	s := newSubmitter(t, srv.base)
	stop := make(chan struct{})
	wg := s.run(8, stop)
	archive := filepath.Join(work, "qingdan.backup.tar.gz")
	var before []ack
	sizeRe := regexp.MustCompile(`(\d+) ledger entries`)
	var size string
	for i, out := range []string{filepath.Join(work, "first.tar.gz"), archive} {
		time.Sleep(700 * time.Millisecond)
		before = s.acknowledged()
		code, text := runBinary(bin, "backup", "--data", dir, "--out", out)
		if code != 0 {
			t.Fatalf("backup %d under writes exited %d:\n%s", i+1, code, text)
		}
		size = sizeRe.FindStringSubmatch(text)[1]
		t.Logf("backup %d: %s", i+1, strings.TrimSpace(text))
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(s.acknowledged()) <= len(before) {
		t.Fatal("no write was acknowledged after the backup: it was not taken under writes")
	}
	if code, out := runBinary(bin, "backup", "--data", dir, "--out", archive); code == 0 {
		t.Fatalf("backup over an existing archive succeeded:\n%s", out)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-srv.done

	restored := filepath.Join(work, "restored")
	code, out := runBinary(bin, "restore", "--in", archive, "--data", restored)
	if code != 0 {
		t.Fatalf("restore exited %d:\n%s", code, out)
	}
	if !strings.Contains(out, size+" ledger entries") {
		t.Errorf("restore reports %q, the backup said %s entries", out, size)
	}
	if code, out := runBinary(bin, "verify", "--data", restored); code != 0 {
		t.Fatalf("verify of the restored folder exited %d:\n%s", code, out)
	}
	mustHoldAll(t, restored, before)
	mustBePrefix(t, restored, dir)

	// The personal-data key is not in the archive: it is passed apart.
	again := startServer(t, bin, restored, "--pii-key", filepath.Join(dir, "pii.key"))
	resp, err := http.Get(again.base + "/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if lines := strings.Split(string(cp), "\n"); len(lines) < 2 || lines[1] != size {
		t.Errorf("the server on the restored folder serves checkpoint size %q, want %s", lines[1], size)
	}
	if status, _ := newSubmitterOn(again.base, s.service).submitTo(s.service); status != 201 {
		t.Errorf("a submission to the server on the restored folder: %d, want 201", status)
	}
	again.cmd.Process.Signal(syscall.SIGTERM)
	<-again.done
	if code, out := runBinary(bin, "verify", "--data", restored); code != 0 {
		t.Fatalf("verify after serving the restored folder exited %d:\n%s", code, out)
	}
}

func newSubmitterOn(base, service string) *submitter {
	return &submitter{base: base, service: service, client: &http.Client{Timeout: 30 * time.Second}}
}

// mustBePrefix fails unless every entry of copyDir's ledger is, byte for
// byte, the entry at the same index of origDir's.
func mustBePrefix(t *testing.T, copyDir, origDir string) {
	t.Helper()
	read := func(dir string) [][]byte {
		db, err := store.OpenSQLite(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ls, err := store.NewLedgerStore(db, store.MainLog)
		if err != nil {
			t.Fatal(err)
		}
		var bodies [][]byte
		if err := ls.ReadRecords(context.Background(), 0, -1, func(r ledger.Record) error {
			bodies = append(bodies, append([]byte(nil), r.Body...))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return bodies
	}
	c, o := read(copyDir), read(origDir)
	if len(c) == 0 || len(c) >= len(o) {
		t.Fatalf("copy has %d entries, original %d: want a non-empty proper prefix (writes went on after the backup)", len(c), len(o))
	}
	for i := range c {
		if !bytes.Equal(c[i], o[i]) {
			t.Fatalf("entry %d of the copy differs from the original", i)
		}
	}
}

// TestRestoreRefusesDamageAndOverwrite: a damaged archive or a folder with
// data in it is refused; a restore never writes over data.
func TestRestoreRefusesDamageAndOverwrite(t *testing.T) {
	dir, work := t.TempDir(), t.TempDir()
	st, err := openStorage(context.Background(), storageConfig{dataDir: dir, origin: ledger.DefaultOrigin}, newLogger("text", io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := genesis(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	st.close()
	archive := filepath.Join(work, "b.tar.gz")
	if code, out := runCmd("backup", "--data", dir, "--out", archive); code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	if code, out := runCmd("restore", "--in", archive, "--data", dir); code == 0 || !strings.Contains(out, "not empty") {
		t.Fatalf("restore over a data folder: %d %s", code, out)
	}
	other := filepath.Join(work, "other-origin")
	if code, out := runCmd("restore", "--in", archive, "--data", other, "--origin", "elsewhere.example/ledger"); code == 0 || !strings.Contains(out, "origin") {
		t.Fatalf("restore under another origin: %d %s", code, out)
	}
	if ents, _ := os.ReadDir(other); len(ents) != 0 {
		t.Fatalf("a restore refused for its origin left %d files", len(ents))
	}
	// Damage one byte of the database inside the archive (uncompressed,
	// so that the manifest's hash, not gzip's CRC, catches it).
	raw := filepath.Join(work, "raw")
	os.MkdirAll(raw, 0o700)
	for _, c := range [][]string{{"tar", "-xzf", archive, "-C", raw}} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Skipf("tar: %v %s", err, out)
		}
	}
	dbPath := filepath.Join(raw, store.DBFileName)
	b, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	os.WriteFile(dbPath, b, 0o600)
	damaged := filepath.Join(work, "damaged.tar.gz")
	if out, err := exec.Command("tar", "-czf", damaged, "-C", raw, "manifest.json", store.DBFileName, "ledger.key", "seclog.key").CombinedOutput(); err != nil {
		t.Skipf("tar: %v %s", err, out)
	}
	target := filepath.Join(work, "target")
	code, out := runCmd("restore", "--in", damaged, "--data", target)
	if code == 0 || !strings.Contains(out, "SHA-256") {
		t.Fatalf("restore of a damaged archive: %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(target, store.DBFileName)); err == nil {
		t.Fatal("a damaged database was left in the target folder")
	}

	// A damaged key after an intact database: nothing is left either.
	b[len(b)/2] ^= 0xff
	os.WriteFile(dbPath, b, 0o600)
	key := filepath.Join(raw, "seclog.key")
	kb, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	kb[0] ^= 0x01
	os.WriteFile(key, kb, 0o600)
	damagedKey := filepath.Join(work, "damaged-key.tar.gz")
	if out, err := exec.Command("tar", "-czf", damagedKey, "-C", raw, "manifest.json", store.DBFileName, "ledger.key", "seclog.key").CombinedOutput(); err != nil {
		t.Skipf("tar: %v %s", err, out)
	}
	code, out = runCmd("restore", "--in", damagedKey, "--data", target)
	if code == 0 || !strings.Contains(out, "seclog.key") {
		t.Fatalf("restore with a damaged key: %d %s", code, out)
	}
	if ents, _ := os.ReadDir(target); len(ents) != 0 {
		t.Fatalf("a failed restore left %d files in the target folder", len(ents))
	}
}

// TestReadiness: ready with the database reachable, every migration
// applied and the key loaded; not ready when a migration is missing or the
// database is closed.
func TestReadiness(t *testing.T) {
	ctx := context.Background()
	st, err := openStorage(ctx, storageConfig{dataDir: t.TempDir(), origin: ledger.DefaultOrigin}, newLogger("text", io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := genesis(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := st.ready(ctx); err != nil {
		t.Fatalf("fresh storage not ready: %v", err)
	}
	if err := st.db.Writer.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.ready(ctx); err == nil || !strings.Contains(err.Error(), "migrations") {
		t.Fatalf("ready with a migration missing: %v", err)
	}
	st.close()
	if err := st.ready(ctx); err == nil {
		t.Fatal("ready with the database closed")
	}
}

// TestOperationsDocListsEveryFlag: docs/operations.md is the one place
// every flag of every command is documented, with its environment
// variable. Each command's -h output is the truth it is checked against.
func TestOperationsDocListsEveryFlag(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	flagRe := regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`)
	for _, c := range commands() {
		args := []string{c.name, "-h"}
		switch c.name {
		case "user", "calendar", "receipt":
			args = []string{c.name, map[string]string{"user": "add", "calendar": "import", "receipt": "verify"}[c.name], "-h"}
		}
		var out bytes.Buffer
		run(context.Background(), args, &out, &out)
		names := flagRe.FindAllStringSubmatch(out.String(), -1)
		if len(names) == 0 {
			t.Errorf("%s -h lists no flags:\n%s", c.name, out.String())
		}
		for _, m := range names {
			row := fmt.Sprintf("| `%s` | `--%s` | `%s` |", c.name, m[1], envName(m[1]))
			if !bytes.Contains(doc, []byte(row)) {
				t.Errorf("docs/operations.md lacks the row %s", row)
			}
		}
	}
}

// TestBackgroundVerification: the server's own verification passes on
// both logs while appends go on, and its time and result reach the metrics.
func TestBackgroundVerification(t *testing.T) {
	ctx := context.Background()
	m := web.NewMetrics()
	cfg := storageConfig{dataDir: t.TempDir(), origin: ledger.DefaultOrigin, observe: m.Ledger}
	st, err := openStorage(ctx, cfg, newLogger("text", io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if _, err := genesis(ctx, st); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.log.Append(ctx, ledger.Event{Type: "test.appended", Actor: "system", Data: map[string]int{"n": i}}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	// Verify again and again until, three times, the log had grown by the
	// end of a verification past the size it verified.
	var logs bytes.Buffer
	runs, grew := 0, 0
	for ; runs < 500 && grew < 3; runs++ {
		logs.Reset()
		verifyOnce(ctx, st, m, newLogger("json", &logs))
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec struct {
				Msg, Log string
				Entries  int64
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec.Msg != "log verified" {
				t.Fatalf("verification under appends: %s", line)
			}
			if rec.Log == web.LogLedger {
				if sc, err := st.log.Store().LatestCheckpoint(ctx); err == nil && sc.Size > rec.Entries {
					grew++
				}
			}
		}
	}
	close(stop)
	wg.Wait()
	if grew < 3 {
		t.Fatalf("in %d verifications the log grew during only %d", runs, grew)
	}
	srv := web.New(web.Config{Ledger: st.log, Metrics: m})
	scrape := func() string {
		resp, err := srv.OperatorApp().Test(httptest.NewRequest("GET", "/metrics", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, want := range []string{fmt.Sprintf(`qingdan_ledger_verify_duration_seconds_count{log="ledger",result="ok"} %d`, runs),
		fmt.Sprintf(`qingdan_ledger_verify_duration_seconds_count{log="seclog",result="ok"} %d`, runs)} {
		if !strings.Contains(scrape(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Tampering is caught, logged as an error and counted.
	for _, q := range []string{`DROP TRIGGER ledger_entries_no_update`,
		`UPDATE ledger_entries SET body = replace(body, 'qingdan.local', 'qingdan.locaL') WHERE idx = 0`} {
		if err := st.db.Writer.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	logs.Reset()
	verifyOnce(ctx, st, m, newLogger("json", &logs))
	if !strings.Contains(logs.String(), `"level":"ERROR","msg":"log verification failed","log":"ledger"`) {
		t.Errorf("tampered ledger: the log says %s", logs.String())
	}
	if want := `qingdan_ledger_verify_duration_seconds_count{log="ledger",result="error"} 1`; !strings.Contains(scrape(), want) {
		t.Errorf("metrics lack %s", want)
	}
}
