package audit

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// run is one audit in progress.
type run struct {
	a        *Auditor
	src      Source
	f        Follower
	target   ledger.Checkpoint
	signed   []byte
	checks   map[int64]check // further checkpoints to meet on the way
	t        *tree
	begin    int64 // first entry to fetch
	follow   int64 // first entry the follower has not applied
	fetched  int64
	followed int64
	lastBody []byte
}

// check is a signed checkpoint to compare with the tree at its size.
type check struct {
	root   tlog.Hash
	signed []byte
}

// prepare picks where to start: the state's frontier, or an interrupted
// run's, or entry 0 if the follower has lost entries the state covers.
func (r *run) prepare(ctx context.Context, st *State) error {
	from := st.Tree
	if st.Partial != nil && r.partialUsable(ctx, st.Partial) {
		from = st.Partial.Tree
	}
	r.follow = from.Size
	if r.f != nil {
		n, err := r.f.Size(ctx)
		if err != nil {
			return err
		}
		if n > r.target.Size {
			return fmt.Errorf("audit: the replay holds %d entries, more than the %d the log signs now; start it afresh", n, r.target.Size)
		}
		r.follow = n
	}
	if r.follow < from.Size { // the replay is behind: read everything again
		if st.Checkpoint != "" {
			old, _ := ledger.OpenCheckpoint([]byte(st.Checkpoint), r.a.Origin, r.a.Verifier)
			r.checks[old.Size] = check{root: old.Root, signed: []byte(st.Checkpoint)}
		}
		from = Frontier{}
	}
	for _, signed := range r.a.Checkpoints {
		c, err := r.a.open(signed)
		if err != nil {
			return err
		}
		r.checks[c.Size] = check{root: c.Root, signed: signed}
	}
	t, err := newTree(from)
	if err != nil {
		return err
	}
	r.t, r.begin = t, from.Size
	return nil
}

// partialUsable reports whether an interrupted run toward p.Target may be
// resumed: its target is the log's and the current checkpoint extends it.
func (r *run) partialUsable(ctx context.Context, p *Partial) bool {
	old, err := ledger.OpenCheckpoint([]byte(p.Target), r.a.Origin, r.a.Verifier)
	if err != nil || old.Size > r.target.Size || p.Tree.Size > old.Size {
		return false
	}
	if old.Size == r.target.Size {
		return old.Root == r.target.Root
	}
	proof, err := r.src.ConsistencyProof(ctx, old.Size, r.target.Size)
	return err == nil && tlog.CheckTree(proof, r.target.Size, r.target.Root, old.Size, old.Root) == nil
}

// fetched is one entry bundle, decoded and hashed.
type fetchedBundle struct {
	n       int64
	bodies  [][]byte
	entries []*ledger.Entry
	leaves  []tlog.Hash
	errs    []error
	err     error
}

// fetchAll downloads the entry bundles from r.begin to the target size,
// several at once, and verifies them in order.
func (r *run) fetchAll(ctx context.Context) error {
	if r.begin >= r.target.Size {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	first, end := r.begin/ledger.TileWidth, (r.target.Size+ledger.TileWidth-1)/ledger.TileWidth
	ordered := make(chan chan fetchedBundle, r.a.parallel())
	go func() {
		defer close(ordered)
		for n := first; n < end; n++ {
			out := make(chan fetchedBundle, 1)
			select {
			case ordered <- out:
			case <-ctx.Done():
				return
			}
			go func() { out <- r.fetch(ctx, n) }()
		}
	}()
	for ch := range ordered {
		b := <-ch
		if err := r.apply(ctx, b); err != nil {
			cancel()
			for ch := range ordered {
				<-ch
			}
			return err
		}
	}
	return ctx.Err()
}

func (r *run) fetch(ctx context.Context, n int64) fetchedBundle {
	w := int(min(ledger.TileWidth, r.target.Size-n*ledger.TileWidth))
	bodies, err := r.src.Entries(ctx, n, w)
	b := fetchedBundle{n: n, bodies: bodies, err: err}
	if err != nil {
		return b
	}
	if len(bodies) != w {
		b.err = fmt.Errorf("audit: entry bundle %d: %d entries, want %d", n, len(bodies), w)
		return b
	}
	b.entries, b.leaves, b.errs = make([]*ledger.Entry, w), make([]tlog.Hash, w), make([]error, w)
	for i, body := range bodies {
		b.leaves[i] = ledger.LeafHash(body)
		b.entries[i], b.errs[i] = ledger.Decode(body)
	}
	return b
}

// apply runs the order-dependent checks on one bundle and hands its new
// entries to the follower.
func (r *run) apply(ctx context.Context, b fetchedBundle) error {
	if b.err != nil {
		return fmt.Errorf("audit: fetch entries: %w", b.err)
	}
	var follow []*ledger.Entry
	for k := range b.bodies {
		i := b.n*ledger.TileWidth + int64(k)
		if i < r.begin {
			continue
		}
		if err := r.verifyEntry(i, b.bodies[k], b.entries[k], b.leaves[k], b.errs[k]); err != nil {
			return err
		}
		if i >= r.follow && r.f != nil {
			follow = append(follow, b.entries[k])
		}
	}
	if len(follow) > 0 {
		if err := r.f.Follow(ctx, follow); err != nil {
			return fmt.Errorf("audit: replay: %w", err)
		}
		r.followed += int64(len(follow))
	}
	if b.n%64 == 63 {
		if err := r.t.compact(); err != nil {
			return err
		}
	}
	if r.a.Progress != nil {
		r.a.Progress(r.t.size)
	}
	return r.maybeSave(ctx)
}

// verifyEntry checks entry i and adds it to the tree.
func (r *run) verifyEntry(i int64, body []byte, e *ledger.Entry, leaf tlog.Hash, decodeErr error) error {
	switch {
	case decodeErr != nil:
		return r.problem(i, body, fmt.Sprintf("served body is not a canonical entry: %v", decodeErr))
	case e.Index != i:
		return r.problem(i, body, fmt.Sprintf("served at index %d, the body says %d", i, e.Index))
	case e.Prev != r.t.last:
		if i > 0 {
			return r.problem(i-1, body, fmt.Sprintf("its leaf hash is not the prev recorded by entry %d: entry %d was rewritten (or entry %d)", i, i-1, i))
		}
		return r.problem(i, body, "prev of entry 0 is not the zero hash")
	}
	if e.Time.Before(r.t.lastTime) {
		return r.problem(i, body, fmt.Sprintf("time %s is before the previous entry's %s", e.Time.Format(ledger.TimeFormat), r.t.lastTime.Format(ledger.TimeFormat)))
	}
	if err := r.t.add(leaf); err != nil {
		return err
	}
	r.t.lastTime, r.lastBody = e.Time, body
	r.fetched++
	if c, ok := r.checks[r.t.size]; ok {
		root, err := r.t.root()
		if err != nil {
			return err
		}
		if root != c.root {
			return &Problem{Index: r.t.size - 1, Reason: fmt.Sprintf("the checkpoint of size %d signs root %s, the entries give %s", r.t.size, c.root, root),
				Files: map[string][]byte{"checkpoint.txt": c.signed}}
		}
	}
	return nil
}

// problem is evidence about entry i: the checkpoint that signs the log,
// the entry as served, and the one before it.
func (r *run) problem(i int64, body []byte, reason string) error {
	files := map[string][]byte{"checkpoint.txt": r.signed, fmt.Sprintf("entry-%d.json", r.t.size): body}
	if r.lastBody != nil {
		files[fmt.Sprintf("entry-%d.json", r.t.size-1)] = r.lastBody
	}
	return &Problem{Index: i, Reason: reason, Files: files}
}

// maybeSave saves progress every SaveEvery entries.
func (r *run) maybeSave(ctx context.Context) error {
	every := r.a.SaveEvery
	if every <= 0 {
		every = 1 << 16
	}
	if r.a.Save == nil || r.t.size/every == (r.t.size-ledger.TileWidth)/every || r.t.size == r.target.Size {
		return nil
	}
	if r.f != nil {
		if err := r.f.Sync(ctx); err != nil {
			return err
		}
	}
	fr, err := r.t.frontier()
	if err != nil {
		return err
	}
	st := r.a.lastState
	st.Partial = &Partial{Target: string(r.signed), Tree: fr}
	return r.a.Save(&st)
}

// finish compares the root with the checkpoint and returns the new state.
func (r *run) finish(ctx context.Context) (*State, error) {
	root, err := r.t.root()
	if err != nil {
		return nil, err
	}
	if r.t.size != r.target.Size || root != r.target.Root {
		return nil, &Problem{Index: r.target.Size - 1, Reason: fmt.Sprintf("the entries served give root %s at size %d, the checkpoint signs %s at size %d",
			root, r.t.size, r.target.Root, r.target.Size), Files: map[string][]byte{"checkpoint.txt": r.signed}}
	}
	if r.f != nil {
		if err := r.f.Sync(ctx); err != nil {
			return nil, err
		}
	}
	fr, err := r.t.frontier()
	if err != nil {
		return nil, err
	}
	return &State{Origin: r.a.Origin, VerifierKey: r.a.VerifierKey, Checkpoint: string(r.signed), Size: r.target.Size, Tree: fr}, nil
}
