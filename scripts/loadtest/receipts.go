package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// receiptLog appends every acknowledged receipt to a file, one JSON object
// a line, as the answers arrive (-receipts-out), so that a run cut short
// by a server crash still leaves the full list of what was acknowledged.
type receiptLog struct {
	mu sync.Mutex
	f  *os.File
}

func openReceiptLog(path string) (*receiptLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &receiptLog{f: f}, nil
}

func (l *receiptLog) add(r *ledger.Receipt) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.f.Write(append(b, '\n'))
	return err
}

func (l *receiptLog) Close() error { return l.f.Close() }

// readReceipts reads a -receipts-out file.
func readReceipts(path string) ([]ledger.Receipt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ledger.Receipt
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var r ledger.Receipt
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// checkReceipts is the -check-receipts mode (no load): the running server
// must hold every receipt of the file — the entry at its index with its
// leaf hash, each receipt valid offline under the key (the -vkey pinned
// earlier, or the server's), each receipt's checkpoint consistent with the
// server's current signed checkpoint, and no index acknowledged with two
// different leaf hashes.
func checkReceipts(ctx context.Context, cfg config, out io.Writer) error {
	all, err := readReceipts(cfg.checkReceipts)
	if err != nil {
		return err
	}
	lt := &loadTest{cfg: cfg, http: &http.Client{Timeout: cfg.timeout, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16}}}
	if err := lt.pinVerifier(); err != nil {
		return err
	}
	start := time.Now()
	status, cpText, err := lt.call("GET", "/checkpoint", nil, nil)
	if err != nil || status != 200 {
		return fmt.Errorf("GET /checkpoint: %d %v", status, err)
	}
	current, err := ledger.OpenCheckpoint(cpText, lt.origin, lt.verifier)
	if err != nil {
		return fmt.Errorf("the server's checkpoint under the pinned key: %w", err)
	}

	var mu sync.Mutex
	var failures []string
	failf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	byIndex := map[int64]tlog.Hash{}
	checkpoints := map[string]ledger.Checkpoint{}
	for i := range all {
		r := &all[i]
		if h, ok := byIndex[r.Index]; ok && h != r.LeafHash {
			failf("entry %d acknowledged with two leaf hashes %s and %s", r.Index, h, r.LeafHash)
		}
		byIndex[r.Index] = r.LeafHash
		cp, err := ledger.VerifyReceipt(r, nil, lt.origin, lt.verifier)
		if err != nil {
			failf("receipt of entry %d: %v", r.Index, err)
			continue
		}
		checkpoints[r.Checkpoint] = cp
	}

	// The server holds each acknowledged entry at its index.
	indexes := make(chan int64)
	var held atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for ix := range indexes {
				if ix >= current.Size {
					failf("entry %d acknowledged, but the server's log has only %d entries", ix, current.Size)
					continue
				}
				var e struct {
					LeafHash tlog.Hash `json:"leaf_hash"`
				}
				if err := lt.getJSON("/api/v1/ledger/entries/"+strconv.FormatInt(ix, 10), &e); err != nil {
					failf("entry %d: %v", ix, err)
					continue
				}
				if e.LeafHash != byIndex[ix] {
					failf("entry %d: the server holds leaf %s, the receipt says %s", ix, e.LeafHash, byIndex[ix])
					continue
				}
				held.Add(1)
			}
		})
	}
	for ix := range byIndex {
		if ctx.Err() != nil {
			break
		}
		indexes <- ix
	}
	close(indexes)
	wg.Wait()

	// Every checkpoint a receipt carries is a past of the server's log.
	var consistent int
	for _, cp := range checkpoints {
		if ctx.Err() != nil {
			break
		}
		if err := lt.consistent(cp, current); err != nil {
			failf("%v", err)
			continue
		}
		consistent++
	}
	fmt.Fprintf(out, "receipts: %d read from %s, %d distinct entries held by the server (log size %d), %d distinct checkpoints consistent with it, in %.2fs\n",
		len(all), cfg.checkReceipts, held.Load(), current.Size, consistent, time.Since(start).Seconds())
	if len(failures) > 0 {
		sort.Strings(failures)
		for i, f := range failures {
			if i == 20 {
				fmt.Fprintf(out, "  … and %d more\n", len(failures)-20)
				break
			}
			fmt.Fprintln(out, "  FAIL", f)
		}
		return fmt.Errorf("%d receipt checks failed", len(failures))
	}
	if len(all) == 0 {
		return errors.New("the receipts file is empty")
	}
	fmt.Fprintln(out, "receipts: every acknowledged entry is in the server's log")
	return nil
}

// pinVerifier takes the verifier key from -vkey, or else from the server.
func (lt *loadTest) pinVerifier() error {
	var key struct {
		Origin      string `json:"origin"`
		VerifierKey string `json:"verifier_key"`
	}
	if err := lt.getJSON("/api/v1/ledger/key", &key); err != nil {
		return err
	}
	vkey := key.VerifierKey
	if lt.cfg.vkey != "" {
		vkey = lt.cfg.vkey
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %w", err)
	}
	lt.origin, lt.verifier = key.Origin, v
	if i := strings.IndexByte(vkey, '+'); i > 0 && vkey[:i] != key.Origin {
		return fmt.Errorf("the server's origin %q is not the pinned key's %q", key.Origin, vkey[:i])
	}
	return nil
}

// consistent checks that cp is a prefix of latest with a consistency proof
// from the server, checked here.
func (lt *loadTest) consistent(cp, latest ledger.Checkpoint) error {
	if cp.Size == latest.Size {
		if cp.Root != latest.Root {
			return fmt.Errorf("two signed checkpoints of size %d with different roots", cp.Size)
		}
		return nil
	}
	var proof struct {
		Hashes []tlog.Hash `json:"hashes"`
	}
	if err := lt.getJSON(fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", cp.Size, latest.Size), &proof); err != nil {
		return fmt.Errorf("consistency proof %d → %d: %w", cp.Size, latest.Size, err)
	}
	if err := tlog.CheckTree(proof.Hashes, latest.Size, latest.Root, cp.Size, cp.Root); err != nil {
		return fmt.Errorf("checkpoint of size %d is not consistent with size %d: %w", cp.Size, latest.Size, err)
	}
	return nil
}
