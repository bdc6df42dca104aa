package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// storeHashes adapts a Reader to tlog.HashReader for one request.
func storeHashes(ctx context.Context, r Reader) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return r.ReadHashes(ctx, indexes)
	})
}

// Latest returns the latest signed checkpoint and its parsed form;
// ErrNotFound for an empty log.
func (l *Log) Latest(ctx context.Context) (SignedCheckpoint, Checkpoint, error) {
	sc, err := l.store.LatestCheckpoint(ctx)
	if err != nil {
		return SignedCheckpoint{}, Checkpoint{}, err
	}
	c, err := OpenCheckpoint(sc.Note, l.cfg.Origin, l.cfg.Key.Verifier)
	return sc, c, err
}

// InclusionProof proves that entry index is in the tree of the given size,
// which must not exceed the latest checkpoint.
func (l *Log) InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, error) {
	if err := l.checkSize(ctx, size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, fmt.Errorf("%w: index %d not below size %d", ErrInvalid, index, size)
	}
	return tlog.ProveRecord(size, index, storeHashes(ctx, l.store))
}

// ConsistencyProof proves that the tree of size from is a prefix of the
// tree of size to (1 ≤ from ≤ to ≤ latest size).
func (l *Log) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	if err := l.checkSize(ctx, to); err != nil {
		return nil, err
	}
	if from < 1 || from > to {
		return nil, fmt.Errorf("%w: need 1 ≤ from ≤ to, got from=%d to=%d", ErrInvalid, from, to)
	}
	return tlog.ProveTree(to, from, storeHashes(ctx, l.store))
}

func (l *Log) checkSize(ctx context.Context, size int64) error {
	sc, err := l.store.LatestCheckpoint(ctx)
	if err != nil {
		return fmt.Errorf("%w: the log is empty", ErrInvalid)
	}
	if size < 1 || size > sc.Size {
		return fmt.Errorf("%w: size %d outside 1…%d", ErrInvalid, size, sc.Size)
	}
	return nil
}

// Entry reads one entry and a receipt for it against the latest checkpoint.
func (l *Log) Entry(ctx context.Context, index int64) (Record, *Receipt, error) {
	sc, c, err := l.Latest(ctx)
	if err != nil {
		return Record{}, nil, err
	}
	if index < 0 || index >= c.Size {
		return Record{}, nil, fmt.Errorf("%w: entry %d", ErrNotFound, index)
	}
	var rec Record
	found := false
	err = l.store.ReadRecords(ctx, index, index+1, func(r Record) error {
		rec, found = r, r.Index == index
		return nil
	})
	if err != nil || !found {
		return Record{}, nil, fmt.Errorf("%w: entry %d (%v)", ErrNotFound, index, err)
	}
	proof, err := tlog.ProveRecord(c.Size, index, storeHashes(ctx, l.store))
	if err != nil {
		return Record{}, nil, err
	}
	return rec, &Receipt{Index: index, LeafHash: rec.Leaf, Checkpoint: string(sc.Note), Inclusion: proof}, nil
}

// VerifyReceipt checks a receipt offline: the checkpoint's signature and
// origin, and the inclusion proof of the leaf hash. If body is not nil it
// must hash to the receipt's leaf hash. It returns the checkpoint.
func VerifyReceipt(r *Receipt, body []byte, origin string, v note.Verifier) (Checkpoint, error) {
	c, err := OpenCheckpoint([]byte(r.Checkpoint), origin, v)
	if err != nil {
		return Checkpoint{}, err
	}
	if body != nil && LeafHash(body) != r.LeafHash {
		return Checkpoint{}, fmt.Errorf("%w: body does not hash to the receipt's leaf hash", ErrBadProof)
	}
	if r.Index < 0 || r.Index >= c.Size {
		return Checkpoint{}, fmt.Errorf("%w: index %d outside a tree of %d", ErrBadProof, r.Index, c.Size)
	}
	if err := tlog.CheckRecord(r.Inclusion, c.Size, c.Root, r.Index, r.LeafHash); err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	return c, nil
}

// maxProofHashes bounds a parsed proof: a tree of 2^63 entries needs 63.
const maxProofHashes = 64

// ParseReceipt decodes a receipt saved from the API or a page (DESIGN §5
// format) strictly: unknown fields, bad hashes or an over-long proof are
// errors.
func ParseReceipt(b []byte) (*Receipt, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: receipt: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: receipt: trailing data", ErrInvalid)
	}
	if len(r.Inclusion) > maxProofHashes || r.Index < 0 || r.Checkpoint == "" {
		return nil, fmt.Errorf("%w: receipt: index, checkpoint or proof out of range", ErrInvalid)
	}
	return &r, nil
}
