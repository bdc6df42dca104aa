package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// Source is where an audited log is read from. Nothing it returns is
// trusted. Its methods are called from several goroutines at once.
type Source interface {
	// Checkpoint returns the latest signed checkpoint.
	Checkpoint(ctx context.Context) ([]byte, error)
	// Entries returns the w entries of entry bundle n (indexes n·256 …
	// n·256+w−1), w ≤ 256.
	Entries(ctx context.Context, n int64, w int) ([][]byte, error)
	// ConsistencyProof proves the tree of size from a prefix of the tree
	// of size to; ErrNoProofs if the source cannot.
	ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error)
}

// ErrNoProofs: the source serves no proofs (a bundle); the auditor then
// relies on having rebuilt the new tree from the old one's frontier.
var ErrNoProofs = errors.New("audit: the source serves no proofs")

// Follower is told every verified entry, in order, once.
type Follower interface {
	// Size is how many entries the follower has applied (durably).
	Size(ctx context.Context) (int64, error)
	// Follow applies the next entries.
	Follow(ctx context.Context, entries []*ledger.Entry) error
	// Sync makes what Follow applied durable.
	Sync(ctx context.Context) error
}

// Problem is evidence that the log was tampered with or forked: a reason
// and the signed checkpoints and entries that show it. Files maps a file
// name to its contents, to be saved for the record.
type Problem struct {
	Index  int64 // the entry concerned, or −1
	Reason string
	Files  map[string][]byte
}

func (p *Problem) Error() string {
	if p.Index < 0 {
		return "audit: " + p.Reason
	}
	return fmt.Sprintf("audit: entry %d: %s", p.Index, p.Reason)
}

// Auditor checks a log against a pinned key.
type Auditor struct {
	Origin      string
	Verifier    note.Verifier
	VerifierKey string // the pinned key's text, recorded in the state
	// Parallel is how many entry bundles are fetched at once (default 8).
	Parallel int
	// SaveEvery, with Save, saves progress every that many entries so that
	// an interrupted audit resumes (default 65,536).
	SaveEvery int64
	Save      func(*State) error
	// Checkpoints, if set, are further signed checkpoints to check on the
	// way (an exported bundle's), each against the tree at its size.
	Checkpoints [][]byte
	// Progress, if set, is told the number of entries verified so far.
	Progress func(int64)

	lastState State // the state this run started from (for partial saves)
}

// Report summarises an audit that found nothing wrong.
type Report struct {
	From, Size int64     // entries before this run, and now
	Root       tlog.Hash // root of the latest checkpoint
	Fetched    int64     // entries downloaded and verified in this run
	Followed   int64     // entries handed to the follower
	Took       time.Duration
}

// Run audits src from state and returns the new state. A *Problem is
// evidence of tampering; other errors mean the audit could not be done.
func (a *Auditor) Run(ctx context.Context, src Source, st *State, f Follower) (*State, *Report, error) {
	start := time.Now()
	if err := a.checkState(st); err != nil {
		return nil, nil, err
	}
	signed, err := src.Checkpoint(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("audit: fetch checkpoint: %w", err)
	}
	c, err := a.open(signed)
	if err != nil {
		return nil, nil, err
	}
	if err := a.checkGrowth(ctx, src, st, c, signed); err != nil {
		return nil, nil, err
	}
	a.lastState = *st
	r := &run{a: a, src: src, f: f, target: c, signed: signed, checks: map[int64]check{}}
	if err := r.prepare(ctx, st); err != nil {
		return nil, nil, err
	}
	if err := r.fetchAll(ctx); err != nil {
		return nil, nil, err
	}
	next, err := r.finish(ctx)
	if err != nil {
		return nil, nil, err
	}
	return next, &Report{From: st.Size, Size: c.Size, Root: c.Root, Fetched: r.fetched, Followed: r.followed, Took: time.Since(start)}, nil
}

func (a *Auditor) checkState(st *State) error {
	if st.Checkpoint == "" {
		return nil
	}
	if st.Origin != a.Origin {
		return fmt.Errorf("audit: the state is of origin %q, not %q", st.Origin, a.Origin)
	}
	if _, err := ledger.OpenCheckpoint([]byte(st.Checkpoint), a.Origin, a.Verifier); err != nil {
		return fmt.Errorf("audit: the state's checkpoint does not verify with the pinned key (another log's state?): %w", err)
	}
	return nil
}

// open verifies a checkpoint with the pinned key; a checkpoint that does
// not verify is a Problem (the source is not the pinned log, or forged).
func (a *Auditor) open(signed []byte) (ledger.Checkpoint, error) {
	c, err := ledger.OpenCheckpoint(signed, a.Origin, a.Verifier)
	if err != nil {
		return c, &Problem{Index: -1, Reason: fmt.Sprintf("the checkpoint served is not signed by the pinned key for %s: %v", a.Origin, err),
			Files: map[string][]byte{"checkpoint-unverified.txt": signed}}
	}
	return c, nil
}

// checkGrowth checks that c extends the state's checkpoint: not smaller,
// not another root at the same size, and consistent by proof.
func (a *Auditor) checkGrowth(ctx context.Context, src Source, st *State, c ledger.Checkpoint, signed []byte) error {
	if st.Checkpoint == "" {
		return nil
	}
	old, _ := ledger.OpenCheckpoint([]byte(st.Checkpoint), a.Origin, a.Verifier)
	evidence := map[string][]byte{"checkpoint-before.txt": []byte(st.Checkpoint), "checkpoint-now.txt": signed}
	switch {
	case c.Size < old.Size:
		return &Problem{Index: c.Size, Reason: fmt.Sprintf("the log shrank: it signed %d entries before and %d now (truncated)", old.Size, c.Size), Files: evidence}
	case c.Size == old.Size && c.Root != old.Root:
		return &Problem{Index: -1, Reason: fmt.Sprintf("fork: two checkpoints of size %d with different roots, both signed by the log", c.Size), Files: evidence}
	case c.Size == old.Size:
		return nil
	}
	proof, err := src.ConsistencyProof(ctx, old.Size, c.Size)
	if errors.Is(err, ErrNoProofs) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: fetch consistency proof %d→%d: %w", old.Size, c.Size, err)
	}
	if err := tlog.CheckTree(proof, c.Size, c.Root, old.Size, old.Root); err != nil {
		evidence["consistency-proof.txt"] = proofText(old.Size, c.Size, proof)
		return &Problem{Index: -1, Reason: fmt.Sprintf("fork: the checkpoint of size %d does not extend the one of size %d audited before (consistency proof: %v)", c.Size, old.Size, err), Files: evidence}
	}
	return nil
}

func proofText(from, to int64, p tlog.TreeProof) []byte {
	b := fmt.Appendf(nil, "consistency proof from %d to %d as served\n", from, to)
	for _, h := range p {
		b = fmt.Appendf(b, "%s\n", h)
	}
	return b
}

func (a *Auditor) parallel() int {
	if a.Parallel > 0 {
		return a.Parallel
	}
	return 8
}
