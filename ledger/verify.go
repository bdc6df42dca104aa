package ledger

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// VerifyError names the first bad entry found by Verify. Index is the entry
// index, or -1 when the problem is not tied to one entry.
type VerifyError struct {
	Index  int64
	Reason string
}

func (e *VerifyError) Error() string {
	if e.Index < 0 {
		return "ledger: verify: " + e.Reason
	}
	return fmt.Sprintf("ledger: verify: entry %d: %s", e.Index, e.Reason)
}

func bad(index int64, format string, args ...any) error {
	return &VerifyError{Index: index, Reason: fmt.Sprintf(format, args...)}
}

// VerifyReport summarises a successful verification.
type VerifyReport struct {
	Size        int64         // entries verified
	Root        tlog.Hash     // root hash of the whole log
	Checkpoints int           // signed checkpoints verified
	Took        time.Duration // wall time
}

// Verify checks a whole stored log: every body is canonical and hashes to
// its stored leaf hash, indexes run 0…n-1 with no gap, every prev is the
// previous leaf hash, times never go backwards, the stored Merkle hashes
// are exactly those recomputed, and every stored checkpoint is signed by v
// for origin with a root equal to the recomputed tree at its size (so every
// pair of checkpoints is consistent), the latest covering the whole log.
// The first problem is returned as a *VerifyError. progress, if not nil, is
// called with the number of entries checked so far.
func Verify(ctx context.Context, r Reader, origin string, v note.Verifier, progress func(int64)) (*VerifyReport, error) {
	start := time.Now()
	tree := &memTree{}
	if err := verifyEntries(ctx, r, tree, progress); err != nil {
		return nil, err
	}
	if err := verifyStoredHashes(ctx, r, tree); err != nil {
		return nil, err
	}
	count, err := verifyCheckpoints(ctx, r, tree, origin, v)
	if err != nil {
		return nil, err
	}
	root, err := tree.root()
	if err != nil {
		return nil, err
	}
	return &VerifyReport{Size: tree.size, Root: root, Checkpoints: count, Took: time.Since(start)}, nil
}

// memTree holds every stored hash of the log being verified, recomputed.
type memTree struct {
	hashes   []tlog.Hash
	size     int64
	last     tlog.Hash
	lastTime time.Time
}

func (t *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("%w: stored hash %d", ErrNotFound, x)
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

func (t *memTree) root() (tlog.Hash, error) {
	if t.size == 0 {
		return tlog.Hash{}, nil
	}
	return tlog.TreeHash(t.size, t)
}

// checked is one record after the parallel, order-free checks.
type checked struct {
	rec   Record
	entry *Entry
	leaf  tlog.Hash
	err   error
}

const verifyChunk = 2048

// verifyEntries reads records in chunks, decodes and hashes them on every
// core, and applies the order-dependent checks in sequence.
func verifyEntries(ctx context.Context, r Reader, tree *memTree, progress func(int64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ordered := make(chan chan []checked, runtime.GOMAXPROCS(0)*2)
	var readErr error
	go func() {
		defer close(ordered)
		readErr = produceChunks(ctx, r, ordered)
	}()
	for ch := range ordered {
		for _, c := range <-ch {
			if err := tree.append(c); err != nil {
				cancel()
				drain(ordered)
				return err
			}
		}
		if progress != nil {
			progress(tree.size)
		}
	}
	if readErr != nil && !errors.Is(readErr, context.Canceled) {
		return fmt.Errorf("ledger: verify: read entries: %w", readErr)
	}
	return ctx.Err()
}

func drain(ordered chan chan []checked) {
	for ch := range ordered {
		<-ch
	}
}

// produceChunks reads the log and starts one checking goroutine per chunk,
// bounded by the capacity of ordered.
func produceChunks(ctx context.Context, r Reader, ordered chan chan []checked) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	chunk := make([]Record, 0, verifyChunk)
	send := func() error {
		out := make(chan []checked, 1)
		select {
		case ordered <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
		wg.Add(1)
		go func(recs []Record) {
			defer wg.Done()
			out <- checkChunk(recs)
		}(chunk)
		chunk = make([]Record, 0, verifyChunk)
		return nil
	}
	err := r.ReadRecords(ctx, 0, -1, func(rec Record) error {
		chunk = append(chunk, rec)
		if len(chunk) == verifyChunk {
			return send()
		}
		return nil
	})
	if err == nil && len(chunk) > 0 {
		err = send()
	}
	return err
}

func checkChunk(recs []Record) []checked {
	out := make([]checked, len(recs))
	for i, rec := range recs {
		out[i].rec = rec
		out[i].leaf = LeafHash(rec.Body)
		out[i].entry, out[i].err = Decode(rec.Body)
	}
	return out
}

// append applies the checks that depend on order and adds the entry's
// stored hashes to the tree.
func (t *memTree) append(c checked) error {
	i := t.size
	switch {
	case c.rec.Index != i:
		return bad(i, "missing or out of place: the next stored row has index %d", c.rec.Index)
	case c.err != nil:
		return bad(i, "body is not a canonical entry: %v", c.err)
	case c.entry.Index != i:
		return bad(i, "body says index %d", c.entry.Index)
	case c.leaf != c.rec.Leaf:
		return bad(i, "body does not hash to the stored leaf hash")
	case c.entry.Prev != t.last:
		return t.badPrev(c)
	case c.rec.Prev != c.entry.Prev:
		return bad(i, "stored prev column differs from the body's prev")
	case c.entry.Time.Before(t.lastTime):
		return bad(i, "time %s is before the previous entry's %s", c.entry.Time.Format(TimeFormat), t.lastTime.Format(TimeFormat))
	}
	hs, err := tlog.StoredHashesForRecordHash(i, c.leaf, t)
	if err != nil {
		return bad(i, "merkle: %v", err)
	}
	t.hashes = append(t.hashes, hs...)
	t.size++
	t.last, t.lastTime = c.leaf, c.entry.Time
	return nil
}

// badPrev blames the previous entry when this one is intact (its body hashes
// to its stored leaf), since then the previous body was altered after this
// entry was chained to it.
func (t *memTree) badPrev(c checked) error {
	i := t.size
	if i > 0 {
		return bad(i-1, "its leaf hash is not the prev recorded by entry %d: entry %d was altered", i, i-1)
	}
	return bad(i, "prev of entry 0 is not the zero hash")
}

// verifyStoredHashes compares the store's Merkle hashes with the
// recomputed ones, so that served proofs are right.
func verifyStoredHashes(ctx context.Context, r Reader, t *memTree) error {
	next := int64(0)
	err := r.ReadStoredHashes(ctx, 0, func(index int64, h tlog.Hash) error {
		if index != next || index >= int64(len(t.hashes)) || h != t.hashes[index] {
			return bad(entryOfStoredHash(index), "stored merkle hash %d is wrong or out of place", index)
		}
		next++
		return nil
	})
	if err != nil {
		return err
	}
	if next != int64(len(t.hashes)) {
		return bad(entryOfStoredHash(next), "stored merkle hash %d is missing", next)
	}
	return nil
}

// entryOfStoredHash returns the entry whose append stored hash index x.
func entryOfStoredHash(x int64) int64 {
	level, n := tlog.SplitStoredHashIndex(x)
	return (n+1)<<level - 1
}

// verifyCheckpoints checks every stored checkpoint against the tree.
func verifyCheckpoints(ctx context.Context, r Reader, t *memTree, origin string, v note.Verifier) (int, error) {
	count, latest := 0, int64(0)
	err := r.ReadCheckpoints(ctx, func(sc SignedCheckpoint) error {
		c, err := OpenCheckpoint(sc.Note, origin, v)
		switch {
		case err != nil:
			return bad(-1, "checkpoint at size %d: %v", sc.Size, err)
		case c.Size != sc.Size:
			return bad(-1, "checkpoint stored at size %d says size %d", sc.Size, c.Size)
		case c.Size > t.size:
			return bad(t.size, "missing: checkpoint of size %d signed a longer log than the %d entries stored", c.Size, t.size)
		}
		root, err := tlog.TreeHash(c.Size, t)
		if err != nil || root != c.Root {
			return bad(c.Size-1, "checkpoint of size %d has root %s, entries give %s", c.Size, c.Root, root)
		}
		count, latest = count+1, c.Size
		return nil
	})
	if err != nil {
		return 0, err
	}
	if latest != t.size {
		return 0, bad(latest, "entries %d…%d are not covered by a signed checkpoint", latest, t.size-1)
	}
	return count, nil
}
