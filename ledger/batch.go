package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// batch is the state of one group commit.
type batch struct {
	tx       Tx
	hashes   *hashCache
	size     int64     // tree size after the entries accepted so far
	last     tlog.Hash // leaf hash of the last entry
	lastTime time.Time
	recs     []Record
	accepted []*request
	entries  []*Entry
	note     []byte
}

// writeBatch runs the batch transaction: entries, projections, stored
// hashes and a signed checkpoint, then commit.
func (l *Log) writeBatch(reqs []*request) (*batch, error) {
	ctx := context.Background()
	tx, err := l.store.Begin(ctx)
	if err != nil {
		return nil, err
	}
	b, err := l.newBatch(ctx, tx)
	if err == nil {
		err = l.addAll(ctx, b, reqs)
	}
	if err == nil && len(b.accepted) > 0 {
		err = l.finish(ctx, b)
	}
	if err != nil || len(b.accepted) == 0 {
		if rbErr := tx.Rollback(); rbErr != nil && err == nil {
			err = rbErr
		}
		return b, err
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback() // a refused commit may leave the transaction, and the store's lock, held
		return b, err
	}
	b.hashes.fallback = l.store.ReadHashes
	return b, nil
}

func (l *Log) newBatch(ctx context.Context, tx Tx) (*batch, error) {
	rec, size, ok, err := tx.Last(ctx)
	if err != nil {
		return nil, err
	}
	b := &batch{tx: tx, size: size}
	b.hashes = &hashCache{known: map[int64]tlog.Hash{}, fallback: tx.ReadHashes}
	if l.frontier.size == size { // else another writer appended: read afresh
		for x, h := range l.frontier.hashes {
			b.hashes.known[x] = h
		}
	}
	if ok {
		e, err := Decode(rec.Body)
		if err != nil {
			return nil, fmt.Errorf("ledger: last entry %d: %w", rec.Index, err)
		}
		b.last, b.lastTime = rec.Leaf, e.Time
	}
	return b, nil
}

func (l *Log) addAll(ctx context.Context, b *batch, reqs []*request) error {
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.fail(err)
			continue
		}
		e, body, err := l.entryFor(b, r)
		if err == nil {
			err = project(ctx, b.tx, r, e)
		}
		var rejected *rejection
		if errors.As(err, &rejected) {
			r.fail(rejected.err)
			continue
		}
		if err != nil {
			return err
		}
		if err := b.add(ctx, r, e, body); err != nil {
			return err
		}
	}
	return nil
}

// rejection is an error that refuses one entry but not the batch.
type rejection struct{ err error }

func (r *rejection) Error() string { return r.err.Error() }
func (r *rejection) Unwrap() error { return r.err }

func (l *Log) entryFor(b *batch, r *request) (*Entry, []byte, error) {
	now := l.cfg.Now().UTC().Truncate(time.Microsecond)
	if now.Before(b.lastTime) {
		now = b.lastTime
	}
	e := &Entry{Index: b.size, Time: now, Type: r.ev.Type, Actor: r.ev.Actor,
		Dept: r.ev.Dept, Prev: b.last, Data: r.data}
	body, err := e.Encode()
	if err != nil {
		return nil, nil, &rejection{err}
	}
	return e, body, nil
}

// project runs the request's projection inside a savepoint. A projection
// error (or panic) is a rejection; a savepoint failure fails the batch. An
// Unguarded projection runs without the savepoint: only its refusals
// (Refuse) are rejections, and any other error fails the batch.
func project(ctx context.Context, tx Tx, r *request, e *Entry) (err error) {
	if r.ev.Project == nil {
		return nil
	}
	if r.ev.Unguarded {
		perr := runProjection(ctx, tx, r, e)
		var refused *rejection
		if perr == nil || errors.As(perr, &refused) {
			return perr
		}
		return fmt.Errorf("ledger: unguarded projection of %s failed: %w", e.Type, perr)
	}
	if err := tx.Savepoint(ctx, "entry"); err != nil {
		return err
	}
	perr := runProjection(ctx, tx, r, e)
	if perr == nil {
		return tx.Release(ctx, "entry")
	}
	if err := tx.RollbackTo(ctx, "entry"); err != nil {
		return err
	}
	if err := tx.Release(ctx, "entry"); err != nil {
		return err
	}
	var refused *rejection
	if errors.As(perr, &refused) {
		return refused
	}
	return &rejection{perr}
}

func runProjection(ctx context.Context, tx Tx, r *request, e *Entry) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ledger: projection of %s panicked: %v", e.Type, p)
		}
	}()
	return r.ev.Project(ctx, tx, e)
}

// add accepts an entry into the batch and computes its stored hashes.
func (b *batch) add(ctx context.Context, r *request, e *Entry, body []byte) error {
	leaf := LeafHash(body)
	hs, err := tlog.StoredHashesForRecordHash(b.size, leaf, b.hashes)
	if err != nil {
		return fmt.Errorf("ledger: stored hashes for %d: %w", b.size, err)
	}
	base := tlog.StoredHashIndex(0, b.size)
	for i, h := range hs {
		b.hashes.known[base+int64(i)] = h
	}
	b.recs = append(b.recs, Record{Index: e.Index, Prev: e.Prev, Leaf: leaf, Hashes: hs, Type: e.Type, Body: body})
	b.accepted = append(b.accepted, r)
	b.entries = append(b.entries, e)
	b.size++
	b.last, b.lastTime = leaf, e.Time
	return nil
}

// finish writes the batch's records, hashes and signed checkpoint.
func (l *Log) finish(ctx context.Context, b *batch) error {
	if err := b.tx.AddRecords(ctx, b.recs); err != nil {
		return err
	}
	root, err := tlog.TreeHash(b.size, b.hashes)
	if err != nil {
		return fmt.Errorf("ledger: tree hash: %w", err)
	}
	b.note, err = SignCheckpoint(Checkpoint{Origin: l.cfg.Origin, Size: b.size, Root: root}, l.cfg.Key.Signer)
	if err != nil {
		return err
	}
	return b.tx.AddCheckpoint(ctx, SignedCheckpoint{Size: b.size, Note: b.note})
}

// answer hands every accepted request its receipt.
func (b *batch) answer() {
	for i, r := range b.accepted {
		rec := b.recs[i]
		proof, err := tlog.ProveRecord(b.size, rec.Index, b.hashes)
		if err != nil {
			r.fail(fmt.Errorf("ledger: committed entry %d but could not prove it: %w", rec.Index, err))
			continue
		}
		r.succeed(&Appended{Entry: b.entries[i], Body: rec.Body, Receipt: &Receipt{
			Index: rec.Index, LeafHash: rec.Leaf, Checkpoint: string(b.note), Inclusion: proof}})
	}
}

// hashCache is a tlog.HashReader over the hashes this batch knows, falling
// back to the store for older ones and remembering them.
type hashCache struct {
	known    map[int64]tlog.Hash
	fallback func(context.Context, []int64) ([]tlog.Hash, error)
}

func (c *hashCache) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	var missing []int64
	for _, i := range indexes {
		if _, ok := c.known[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		hs, err := c.fallback(context.Background(), missing)
		if err != nil {
			return nil, err
		}
		for j, i := range missing {
			c.known[i] = hs[j]
		}
	}
	out := make([]tlog.Hash, len(indexes))
	for j, i := range indexes {
		out[j] = c.known[i]
	}
	return out, nil
}
