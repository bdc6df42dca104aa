// Package audit checks a qingdan ledger from the outside, trusting only a
// pinned verifier key: it reads the log's checkpoint and entries from a
// Source (the live service over HTTP, or an exported bundle), recomputes
// every leaf hash, the chain, the indexes and the Merkle root, checks that
// the log only grew since the last audit (a consistency proof from the
// checkpoint kept in the State), and hands every verified entry, in order,
// to a Follower (the list replay). A Problem is evidence of tampering or a
// fork, with the signed material that proves it.
package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// State is what an auditor keeps between runs: the last checkpoint it
// verified and the few hashes needed to extend that tree with new entries
// only.
type State struct {
	Origin      string `json:"origin"`
	VerifierKey string `json:"verifier_key"` // the pinned key this state was made with
	// Checkpoint is the signed note of the last fully audited checkpoint.
	Checkpoint string   `json:"checkpoint"`
	Size       int64    `json:"size"`
	Tree       Frontier `json:"tree"`
	// Partial is the progress of an interrupted audit, resumed next time.
	Partial *Partial `json:"partial,omitempty"`
}

// Frontier is a verified prefix of the log: the roots of its complete
// subtrees (ledger.FrontierIndexes order), the last leaf hash (the next
// entry's prev) and the last entry's time.
type Frontier struct {
	Size     int64       `json:"size"`
	Hashes   []tlog.Hash `json:"hashes"`
	Last     tlog.Hash   `json:"last_leaf"`
	LastTime string      `json:"last_time,omitempty"`
}

// Partial is an audit toward Target that stopped after Tree.Size entries.
type Partial struct {
	Target string   `json:"target"`
	Tree   Frontier `json:"tree"`
}

// LoadState reads a state file; a missing file is an empty state.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: read state: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("audit: state %s: %w", path, err)
	}
	return &s, nil
}

// Save writes the state atomically (a temporary file renamed over path).
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".audit-state-*")
	if err != nil {
		return fmt.Errorf("audit: save state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// tree is a Merkle tree being extended from a Frontier: the frontier's
// hashes by storage index, and every stored hash added since.
type tree struct {
	size     int64
	old      map[int64]tlog.Hash
	base     int64 // storage index of added[0]
	added    []tlog.Hash
	last     tlog.Hash
	lastTime time.Time
}

func newTree(f Frontier) (*tree, error) {
	idx := ledger.FrontierIndexes(f.Size)
	if len(idx) != len(f.Hashes) {
		return nil, fmt.Errorf("audit: state: %d frontier hashes for size %d, want %d", len(f.Hashes), f.Size, len(idx))
	}
	t := &tree{size: f.Size, old: make(map[int64]tlog.Hash, len(idx)), last: f.Last}
	if f.LastTime != "" {
		lt, err := time.Parse(ledger.TimeFormat, f.LastTime)
		if err != nil {
			return nil, fmt.Errorf("audit: state: last time %q: %w", f.LastTime, err)
		}
		t.lastTime = lt
	}
	for i, x := range idx {
		t.old[x] = f.Hashes[i]
	}
	t.base = tlog.StoredHashIndex(0, f.Size)
	return t, nil
}

// ReadHashes implements tlog.HashReader.
func (t *tree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= t.base && x-t.base < int64(len(t.added)) {
			out[i] = t.added[x-t.base]
			continue
		}
		h, ok := t.old[x]
		if !ok {
			return nil, fmt.Errorf("audit: stored hash %d not kept", x)
		}
		out[i] = h
	}
	return out, nil
}

func (t *tree) add(leaf tlog.Hash) error {
	hs, err := tlog.StoredHashesForRecordHash(t.size, leaf, t)
	if err != nil {
		return err
	}
	t.added = append(t.added, hs...)
	t.size++
	t.last = leaf
	return nil
}

func (t *tree) root() (tlog.Hash, error) {
	if t.size == 0 {
		return tlog.Hash{}, nil
	}
	return tlog.TreeHash(t.size, t)
}

// frontier returns the tree's frontier.
func (t *tree) frontier() (Frontier, error) {
	hs, err := t.ReadHashes(ledger.FrontierIndexes(t.size))
	if err != nil {
		return Frontier{}, err
	}
	if hs == nil {
		hs = []tlog.Hash{}
	}
	f := Frontier{Size: t.size, Hashes: hs, Last: t.last}
	if !t.lastTime.IsZero() {
		f.LastTime = t.lastTime.Format(ledger.TimeFormat)
	}
	return f, nil
}

// compact forgets every stored hash but the frontier, so that memory stays
// small on a long log.
func (t *tree) compact() error {
	f, err := t.frontier()
	if err != nil {
		return err
	}
	nt, err := newTree(f)
	if err != nil {
		return err
	}
	*t = *nt
	return nil
}
