package ledger

import (
	"context"
	"fmt"
	"runtime"
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
	if sc, err := r.LatestCheckpoint(ctx); err == nil && sc.Size > 0 {
		tree.hashes = make([]tlog.Hash, 0, tlog.StoredHashCount(sc.Size)+64)
	}
	sigs := make(chan signedResult, 1)
	go func() { sigs <- openCheckpoints(ctx, r, origin, v) }() // beside the entries
	err := verifyEntries(ctx, r, tree, progress)
	opened := <-sigs
	if err != nil {
		return nil, err
	}
	if opened.err != nil {
		return nil, opened.err
	}
	count, err := checkRoots(tree, opened.checkpoints)
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

const verifyChunk = 4096

// chunkResult is one chunk's records after the order-free checks.
type chunkResult struct {
	items []checked
	err   error
}

// verifyEntries reads the log in chunks, each read and checked (decoded
// and hashed) by its own goroutine on every core, and applies the
// order-dependent checks in sequence. Rows past the latest checkpoint are
// read too, so that an unsigned tail is seen.
func verifyEntries(ctx context.Context, r Reader, tree *memTree, progress func(int64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	signed := int64(0)
	if sc, err := r.LatestCheckpoint(ctx); err == nil {
		signed = sc.Size
	}
	ordered := make(chan chan chunkResult, runtime.GOMAXPROCS(0)*2)
	go dispatchChunks(ctx, r, signed, ordered)
	for ch := range ordered {
		res := <-ch
		if res.err != nil {
			cancel()
			drain(ordered)
			return fmt.Errorf("ledger: verify: read entries: %w", res.err)
		}
		for _, c := range res.items {
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
	return ctx.Err()
}

func drain(ordered chan chan chunkResult) {
	for ch := range ordered {
		<-ch
	}
}

// dispatchChunks starts one goroutine per chunk of [0, signed), then one
// for everything after, handing out their result channels in order; the
// capacity of ordered bounds how many run at once.
func dispatchChunks(ctx context.Context, r Reader, signed int64, ordered chan chan chunkResult) {
	defer close(ordered)
	for start := int64(0); ; start += verifyChunk {
		end := start + verifyChunk
		if start >= signed {
			end = -1 // the tail: normally empty
		}
		out := make(chan chunkResult, 1)
		select {
		case ordered <- out:
		case <-ctx.Done():
			return
		}
		go func() { out <- readChunk(ctx, r, start, end) }()
		if end < 0 {
			return
		}
	}
}

func readChunk(ctx context.Context, r Reader, start, end int64) chunkResult {
	recs := make([]Record, 0, verifyChunk)
	err := r.ReadRecords(ctx, start, end, func(rec Record) error {
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return chunkResult{err: err}
	}
	return chunkResult{items: checkChunk(recs)}
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
	if !equalHashes(hs, c.rec.Hashes) {
		return bad(i, "stored merkle hashes differ from those recomputed (proofs would be wrong)")
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

func equalHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type signedResult struct {
	checkpoints []Checkpoint
	err         error
}

// openCheckpoints reads every stored checkpoint and checks its signature
// and origin.
func openCheckpoints(ctx context.Context, r Reader, origin string, v note.Verifier) signedResult {
	var out []Checkpoint
	err := r.ReadCheckpoints(ctx, func(sc SignedCheckpoint) error {
		c, err := OpenCheckpoint(sc.Note, origin, v)
		switch {
		case err != nil:
			return bad(-1, "checkpoint at size %d: %v", sc.Size, err)
		case c.Size != sc.Size:
			return bad(-1, "checkpoint stored at size %d says size %d", sc.Size, c.Size)
		}
		out = append(out, c)
		return nil
	})
	return signedResult{checkpoints: out, err: err}
}

// checkRoots compares every checkpoint's root with the recomputed tree at
// its size; the latest must cover the whole log.
func checkRoots(t *memTree, cps []Checkpoint) (int, error) {
	latest := int64(0)
	for _, c := range cps {
		if c.Size > t.size {
			return 0, bad(t.size, "missing: checkpoint of size %d signed a longer log than the %d entries stored", c.Size, t.size)
		}
		root, err := tlog.TreeHash(c.Size, t)
		if err != nil || root != c.Root {
			return 0, bad(c.Size-1, "checkpoint of size %d has root %s, entries give %s", c.Size, c.Root, root)
		}
		latest = c.Size
	}
	if latest != t.size {
		return 0, bad(latest, "entries %d…%d are not covered by a signed checkpoint", latest, t.size-1)
	}
	return len(cps), nil
}
