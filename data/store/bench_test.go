package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"qingdan/data/pgtest"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// fsyncRate measures how many 4 KiB write+fsync pairs per second the disk
// under dir sustains: the baseline group commit must beat.
func fsyncRate(b *testing.B, dir string) float64 {
	b.Helper()
	f, err := os.Create(filepath.Join(dir, "fsync-probe"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	start, n := time.Now(), 0
	for time.Since(start) < time.Second {
		if _, err := f.WriteAt(buf, int64(n%64)*4096); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkAppend: parallel durable appends through the group-commit
// appender into a SQLite file with synchronous=FULL, and (when
// QINGDAN_TEST_POSTGRES is set) into PostgreSQL in the same run, from 64
// and from 256 appending goroutines (group commit batches more as more
// callers wait).
func BenchmarkAppend(b *testing.B) {
	for _, backend := range []string{pgtest.SQLite, pgtest.Postgres} {
		b.Run(backend, func(b *testing.B) {
			for _, clients := range []int{64, 256} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchmarkAppend(b, clients) })
			}
		})
	}
}

func benchmarkAppend(b *testing.B, clients int) {
	dir := b.TempDir()
	_, s := newTestStore(b, MainLog)
	var batches, batched int64
	var batchTime time.Duration
	key, _, _ := ledger.NewKey(storetest.Origin)
	l, err := ledger.Open(s, ledger.Config{Origin: storetest.Origin, Key: key,
		OnBatch: func(n int, took time.Duration) { batches++; batched += int64(n); batchTime += took }})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	fsyncs := fsyncRate(b, dir)
	b.SetParallelism(clients / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "entries/s")
	b.ReportMetric(fsyncs, "fsyncs/s")
	b.ReportMetric(rate/fsyncs, "x-fsync-rate")
	if batches > 0 {
		b.ReportMetric(float64(batched)/float64(batches), "entries/batch")
		b.ReportMetric(float64(batchTime.Microseconds())/float64(batches), "µs/batch")
	}
}

// benchLog opens (building once and keeping under the system temp folder)
// a ledger of n entries, so that the large benchmarks do not rebuild it.
func benchLog(b *testing.B, n int) (*ledger.Log, *DB) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("qingdan-bench-%d", n))
	l, db := openCrashLog(b, dir)
	b.Cleanup(func() { l.Close(); db.Close() })
	size := int64(0)
	if _, c, err := l.Latest(context.Background()); err == nil {
		size = c.Size
	}
	if size < int64(n) {
		b.Logf("building a %d-entry ledger in %s (kept for later runs)", n, dir)
		fill(b, l, n-int(size))
	}
	return l, db
}

func fill(b *testing.B, l *ledger.Log, n int) {
	var wg sync.WaitGroup
	work := make(chan int, 1024)
	for w := 0; w < 512; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

const millionEntries = 1_000_000

// BenchmarkVerify: full verification of a 1,000,000-entry ledger.
func BenchmarkVerify(b *testing.B) {
	l, _ := benchLog(b, millionEntries)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := ledger.Verify(context.Background(), l.Store(), l.Origin(), l.Key().Verifier, nil)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Size < millionEntries {
			b.Fatalf("verified %d entries", rep.Size)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/verify")
}

// reportLatency reports p50 and p99 of the samples.
func reportLatency(b *testing.B, samples []time.Duration) {
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	if len(samples) == 0 {
		return
	}
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkInclusionProof: inclusion proofs at random indexes of a
// 1,000,000-entry ledger, read from the stored hashes.
func BenchmarkInclusionProof(b *testing.B) {
	l, _ := benchLog(b, millionEntries)
	_, c, _ := l.Latest(context.Background())
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx := int64(i*7919) % c.Size
		t0 := time.Now()
		if _, err := l.InclusionProof(context.Background(), idx, c.Size); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(t0))
	}
	reportLatency(b, samples)
}

// BenchmarkConsistencyProof: consistency proofs from random older sizes to
// the latest checkpoint of a 1,000,000-entry ledger.
func BenchmarkConsistencyProof(b *testing.B) {
	l, _ := benchLog(b, millionEntries)
	_, c, _ := l.Latest(context.Background())
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		from := 1 + int64(i*104729)%c.Size
		t0 := time.Now()
		if _, err := l.ConsistencyProof(context.Background(), from, c.Size); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(t0))
	}
	reportLatency(b, samples)
}
