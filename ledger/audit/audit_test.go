package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// memLog is a log in memory served as a Source; bundles from failAt on
// fail, as a network would.
type memLog struct {
	bodies  [][]byte
	hashes  []tlog.Hash
	signed  []byte
	failAt  int64
	fetched atomic.Int64
}

func (m *memLog) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func newMemLog(t *testing.T, key *ledger.Key, n int) *memLog {
	t.Helper()
	m := &memLog{failAt: -1}
	prev := tlog.Hash{}
	for i := range n {
		e := ledger.Entry{Index: int64(i), Time: time.Unix(1700000000, 0).UTC(), Type: "test.appended", Actor: "tester",
			Prev: prev, Data: fmt.Appendf(nil, `{"n":%d}`, i)}
		body, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		hs, err := tlog.StoredHashes(int64(i), body, m)
		if err != nil {
			t.Fatal(err)
		}
		m.bodies, m.hashes, prev = append(m.bodies, body), append(m.hashes, hs...), ledger.LeafHash(body)
	}
	root, _ := tlog.TreeHash(int64(n), m)
	m.signed, _ = ledger.SignCheckpoint(ledger.Checkpoint{Origin: "log.example", Size: int64(n), Root: root}, key.Signer)
	return m
}

func (m *memLog) Checkpoint(ctx context.Context) ([]byte, error) { return m.signed, nil }

func (m *memLog) Entries(ctx context.Context, n int64, w int) ([][]byte, error) {
	if m.failAt >= 0 && n >= m.failAt {
		return nil, errors.New("connection reset")
	}
	m.fetched.Add(int64(w))
	return m.bodies[n*256 : n*256+int64(w)], nil
}

func (m *memLog) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	return tlog.ProveTree(to, from, m)
}

// durable is a Follower whose applied entries survive only once synced.
type durable struct {
	committed []int64
	pending   []int64
}

func (d *durable) Size(ctx context.Context) (int64, error) { return int64(len(d.committed)), nil }
func (d *durable) Follow(ctx context.Context, es []*ledger.Entry) error {
	for _, e := range es {
		d.pending = append(d.pending, e.Index)
	}
	return nil
}
func (d *durable) Sync(ctx context.Context) error {
	d.committed, d.pending = append(d.committed, d.pending...), nil
	return nil
}

// TestInterruptedAuditResumes: an audit cut off by the network resumes
// from its last saved progress, and the follower sees every entry once.
func TestInterruptedAuditResumes(t *testing.T) {
	key, _, _ := ledger.NewKey("log.example")
	const n = 3000
	log := newMemLog(t, key, n)
	path := filepath.Join(t.TempDir(), "state.json")
	a := &Auditor{Origin: "log.example", Verifier: key.Verifier, SaveEvery: 512, Parallel: 1,
		Save: func(s *State) error { return s.Save(path) }}
	f := &durable{}
	log.failAt = 5 // entries from 1280 on do not arrive
	_, _, err := a.Run(context.Background(), log, &State{}, f)
	var p *Problem
	if err == nil || errors.As(err, &p) {
		t.Fatalf("interrupted audit: %v, want a could-not-check error", err)
	}
	st, err := LoadState(path)
	if err != nil || st.Partial == nil || st.Partial.Tree.Size != 1024 {
		t.Fatalf("saved progress: %+v (%v), want a partial tree of 1024 entries", st, err)
	}
	f.pending = nil // what was not synced is lost with the process
	log.failAt = -1
	log.fetched.Store(0)
	next, rep, err := a.Run(context.Background(), log, st, f)
	if err != nil {
		t.Fatal(err)
	}
	if log.fetched.Load() != n-1024 || rep.Fetched != n-1024 || next.Size != n || next.Partial != nil {
		t.Fatalf("resumed audit fetched %d (report %d), size %d; want %d and %d", log.fetched.Load(), rep.Fetched, next.Size, n-1024, n)
	}
	for i, x := range f.committed {
		if x != int64(i) {
			t.Fatalf("follower got entry %d at position %d", x, i)
		}
	}
	if len(f.committed) != n {
		t.Fatalf("follower holds %d entries, want %d", len(f.committed), n)
	}
	// Nothing new: nothing fetched, the state unchanged.
	log.fetched.Store(0)
	again, _, err := a.Run(context.Background(), log, next, f)
	if err != nil || log.fetched.Load() != 0 || again.Tree.Size != n {
		t.Fatalf("audit with nothing new: %v, fetched %d", err, log.fetched.Load())
	}
}

// TestReplayBehindRereads: a follower that lost its entries (its folder
// deleted) makes the auditor read the whole log again and check the old
// checkpoint on the way.
func TestReplayBehindRereads(t *testing.T) {
	key, _, _ := ledger.NewKey("log.example")
	log := newMemLog(t, key, 600)
	a := &Auditor{Origin: "log.example", Verifier: key.Verifier}
	st, _, err := a.Run(context.Background(), log, &State{}, &durable{})
	if err != nil {
		t.Fatal(err)
	}
	log.fetched.Store(0)
	f := &durable{}
	if _, _, err := a.Run(context.Background(), log, st, f); err != nil || log.fetched.Load() != 600 || len(f.committed) != 600 {
		t.Fatalf("rerun with an empty follower: %v, fetched %d, followed %d", err, log.fetched.Load(), len(f.committed))
	}
}

func FuzzOpenBundle(f *testing.F) {
	f.Add([]byte(bundleMagic + "\norigin o\ncheckpoints 0\nentries 1\n\x00\x00\x00\x02{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "b")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Skip()
		}
		bd, err := OpenBundle(path)
		if err != nil {
			return
		}
		defer bd.Close()
		for n := int64(0); n*256 < bd.Size(); n++ {
			if _, err := bd.Entries(context.Background(), n, int(min(256, bd.Size()-n*256))); err != nil {
				t.Fatalf("indexed bundle does not read: %v", err)
			}
		}
	})
}
