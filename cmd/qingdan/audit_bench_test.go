package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qingdan/data/demo"
	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// benchLedger is a private copy of the 1,000,000-entry ledger that the
// data benchmarks keep in $TMPDIR/qingdan-bench-1000000 (build it with
// go test ./data -run '^$' -bench BenchmarkVerify -benchtime=1x); the
// incremental benchmark appends to the copy, never to the shared one.
func benchLedger(b *testing.B) string {
	b.Helper()
	src := filepath.Join(os.TempDir(), "qingdan-bench-1000000")
	if _, err := os.Stat(filepath.Join(src, store.DBFileName)); err != nil {
		b.Skipf("no 1,000,000-entry ledger in %s: build it with go test ./data -run '^$' -bench BenchmarkVerify -benchtime=1x", src)
	}
	dst := filepath.Join(os.TempDir(), "qingdan-audit-bench-1000000")
	if _, err := os.Stat(filepath.Join(dst, store.DBFileName)); err != nil {
		os.RemoveAll(dst)
		if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
			b.Fatalf("copy the bench ledger: %v: %s", err, out)
		}
		seedBenchLists(b, dst)
	}
	return dst
}

// seedBenchLists publishes the demo county's lists on top of the copy, so
// that every audit also compares some 630 list items with the replay.
func seedBenchLists(b *testing.B, dir string) {
	b.Helper()
	l, db := openBenchLog(b, dir)
	defer db.Close()
	defer l.Close()
	if err := demo.Seed(context.Background(), lists.NewCatalog(db, l)); err != nil {
		b.Fatal(err)
	}
}

func openBenchLog(b *testing.B, dir string) (*ledger.Log, *store.DB) {
	b.Helper()
	db, err := store.OpenSQLite(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	ls, _ := store.NewLedgerStore(db, store.MainLog)
	key, err := ledger.LoadOrCreateKey(filepath.Join(dir, "ledger.key"), storetest.Origin)
	if err != nil {
		b.Fatal(err)
	}
	l, err := ledger.Open(ls, ledger.Config{Origin: storetest.Origin, Key: key})
	if err != nil {
		b.Fatal(err)
	}
	return l, db
}

func auditOrFail(b *testing.B, args ...string) string {
	b.Helper()
	code, out := runCmd(append([]string{"audit"}, args...)...)
	if code != exitOK {
		b.Fatalf("audit: exit %d: %s", code, out)
	}
	return out
}

// BenchmarkAuditFromScratch: 'qingdan audit' of the whole 1,000,000-entry
// (or larger) log, with the demo county's lists on top, served by 'qingdan serve' over loopback, with no state:
// every entry downloaded as tlog-tiles entry bundles, checked, hashed into
// the tree and replayed into a scratch SQLite folder, the lists compared.
func BenchmarkAuditFromScratch(b *testing.B) {
	dir := benchLedger(b)
	base, _ := serving(b, dir, "--origin", storetest.Origin)
	vkey := keyOf(b, dir)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out := auditOrFail(b, "--url", base, "--key", vkey, "--state", filepath.Join(b.TempDir(), "state.json"))
		if i == 0 {
			b.Log(strings.SplitN(out, "\n", 2)[0])
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/audit")
}

// BenchmarkAuditIncremental: 'qingdan audit --state' after 1,000 new
// entries on top of the 1,000,000-entry log (the appends are not timed).
func BenchmarkAuditIncremental(b *testing.B) {
	dir := benchLedger(b)
	base, _ := serving(b, dir, "--origin", storetest.Origin)
	vkey := keyOf(b, dir)
	state := filepath.Join(b.TempDir(), "state.json")
	auditOrFail(b, "--url", base, "--key", vkey, "--state", state)
	l, db := openBenchLog(b, dir)
	defer db.Close()
	defer l.Close()
	b.ResetTimer()
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		appendConcurrently(b, l, 1000)
		b.StartTimer()
		start := time.Now()
		out := auditOrFail(b, "--url", base, "--key", vkey, "--state", state)
		took += time.Since(start)
		if !strings.Contains(out, "(1000 new") {
			b.Fatalf("incremental audit did not see 1000 new entries: %s", out)
		}
	}
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "ms/audit")
}

func appendConcurrently(b *testing.B, l *ledger.Log, n int) {
	b.Helper()
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := l.Append(context.Background(), storetest.Event(i))
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
}
