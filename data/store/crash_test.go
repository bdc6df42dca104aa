package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

const crashChildEnv = "QINGDAN_CRASH_CHILD_DIR"

// TestCrashChild is the subprocess of TestCrashDurability: it appends as
// fast as it can and prints "index leafhash" for every acknowledged entry,
// until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("run only as the subprocess of TestCrashDurability")
	}
	l, db := openCrashLog(t, dir)
	defer db.Close()
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				app, err := l.Append(context.Background(), storetest.Event(i))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				mu.Lock()
				fmt.Fprintf(out, "%d %s\n", app.Entry.Index, app.Receipt.LeafHash)
				out.Flush() // acknowledged to the world only once written out
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func openCrashLog(t testing.TB, dir string) (*ledger.Log, *DB) {
	db, err := OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewLedgerStore(db, MainLog)
	key, err := ledger.LoadOrCreateKey(filepath.Join(dir, "ledger.key"), storetest.Origin)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(s, ledger.Config{Origin: storetest.Origin, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return l, db
}

// TestCrashDurability kills an appending subprocess with SIGKILL at random
// moments; after each kill the log verifies and holds every acknowledged
// entry with the same leaf hash.
func TestCrashDurability(t *testing.T) {
	dir := t.TempDir()
	acked := map[int64]tlog.Hash{}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 20
	for k := 0; k < kills; k++ {
		got := runAndKill(t, dir, time.Duration(100+rng.IntN(400))*time.Millisecond)
		for i, h := range got {
			acked[i] = h
		}
		checkAfterCrash(t, dir, acked)
	}
	t.Logf("%d kills, %d acknowledged entries, all present", kills, len(acked))
}

// runAndKill starts the child, lets it append for d, kills it with SIGKILL
// and returns what it acknowledged.
func runAndKill(t *testing.T, dir string, d time.Duration) map[int64]tlog.Hash {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := make(chan map[int64]tlog.Hash)
	go func() { acked <- readAcks(stdout) }()
	time.Sleep(d)
	cmd.Process.Signal(syscall.SIGKILL)
	got := <-acked
	cmd.Wait()
	return got
}

func readAcks(r interface{ Read([]byte) (int, error) }) map[int64]tlog.Hash {
	got := map[int64]tlog.Hash{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue // a line cut by the kill was never acknowledged
		}
		i, err1 := strconv.ParseInt(f[0], 10, 64)
		h, err2 := tlog.ParseHash(f[1])
		if err1 == nil && err2 == nil {
			got[i] = h
		}
	}
	return got
}

func checkAfterCrash(t *testing.T, dir string, acked map[int64]tlog.Hash) {
	t.Helper()
	l, db := openCrashLog(t, dir)
	defer db.Close()
	defer l.Close()
	rep, err := ledger.Verify(context.Background(), l.Store(), l.Origin(), l.Key().Verifier, nil)
	if err != nil {
		t.Fatalf("after kill: %v", err)
	}
	stored := map[int64]tlog.Hash{}
	l.Store().ReadRecords(context.Background(), 0, -1, func(r ledger.Record) error {
		stored[r.Index] = r.Leaf
		return nil
	})
	for i, h := range acked {
		if stored[i] != h {
			t.Fatalf("acknowledged entry %d (%s) lost or changed after kill; log has %d entries", i, h, rep.Size)
		}
	}
}
