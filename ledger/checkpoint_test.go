package ledger

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func TestCheckpointSignOpen(t *testing.T) {
	key, _, err := NewKey(DefaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	c := Checkpoint{Origin: DefaultOrigin, Size: 42, Root: tlog.Hash{7}}
	msg, err := SignCheckpoint(c, key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), DefaultOrigin+"\n42\nBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— "+DefaultOrigin+" ") {
		t.Fatalf("not a C2SP checkpoint: %q", msg)
	}
	got, err := OpenCheckpoint(msg, DefaultOrigin, key.Verifier)
	if err != nil || got != c {
		t.Fatalf("got %+v, %v; want %+v", got, err, c)
	}
	other, _, _ := NewKey(DefaultOrigin)
	if _, err := OpenCheckpoint(msg, DefaultOrigin, other.Verifier); !errors.Is(err, ErrBadSignature) {
		t.Errorf("checkpoint opened with another key: got %v, want ErrBadSignature", err)
	}
	if _, err := OpenCheckpoint(msg, "elsewhere.example/log", key.Verifier); err == nil {
		t.Error("checkpoint accepted for another origin")
	}
	forged := strings.Replace(string(msg), "\n42\n", "\n43\n", 1)
	if _, err := OpenCheckpoint([]byte(forged), DefaultOrigin, key.Verifier); err == nil {
		t.Error("checkpoint with altered size accepted")
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.key")
	k1, err := LoadOrCreateKey(path, DefaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateKey(path, DefaultOrigin)
	if err != nil || k2.VerifierKey != k1.VerifierKey {
		t.Fatalf("reloaded key %q (%v), want %q", k2.VerifierKey, err, k1.VerifierKey)
	}
	msg, _ := SignCheckpoint(Checkpoint{Origin: DefaultOrigin, Size: 1}, k2.Signer)
	if _, err := OpenCheckpoint(msg, DefaultOrigin, k1.Verifier); err != nil {
		t.Fatalf("reloaded signer does not match: %v", err)
	}
}

func TestVerifyReceipt(t *testing.T) {
	key, _, _ := NewKey(DefaultOrigin)
	leaves := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
	m, lh := buildTree(t, leaves)
	root, _ := tlog.TreeHash(3, m)
	msg, _ := SignCheckpoint(Checkpoint{Origin: DefaultOrigin, Size: 3, Root: root}, key.Signer)
	p, _ := tlog.ProveRecord(3, 1, m)
	r := &Receipt{Index: 1, LeafHash: lh[1], Checkpoint: string(msg), Inclusion: p}
	if _, err := VerifyReceipt(r, []byte("b"), DefaultOrigin, key.Verifier); err != nil {
		t.Fatalf("good receipt: %v", err)
	}
	raw, _ := json.Marshal(r)
	parsed, err := ParseReceipt(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Receipt){
		"wrong index":     func(r *Receipt) { r.Index = 2 },
		"wrong leaf":      func(r *Receipt) { r.LeafHash = lh[0] },
		"truncated proof": func(r *Receipt) { r.Inclusion = r.Inclusion[:1] },
		"index past size": func(r *Receipt) { r.Index = 3 },
	} {
		bad := *parsed
		bad.Inclusion = append([]tlog.Hash(nil), parsed.Inclusion...)
		mutate(&bad)
		if _, err := VerifyReceipt(&bad, nil, DefaultOrigin, key.Verifier); !errors.Is(err, ErrBadProof) {
			t.Errorf("%s: got %v, want ErrBadProof", name, err)
		}
	}
	if _, err := VerifyReceipt(r, []byte("not b"), DefaultOrigin, key.Verifier); !errors.Is(err, ErrBadProof) {
		t.Errorf("wrong body: got %v, want ErrBadProof", err)
	}
}

// FuzzParseCheckpoint: never panics; what parses formats back the same way
// when it has no extension lines.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte("qingdan.local/ledger\n3\nBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
	f.Add([]byte("o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err != nil {
			return
		}
		if strings.Count(string(b), "\n") == 3 && string(c.Text()) != string(b) {
			t.Fatalf("parsed %q, formats as %q", b, c.Text())
		}
	})
}

// FuzzReceipt: parsing and verifying arbitrary receipts never panics and
// never accepts one for a key that signed nothing.
func FuzzReceipt(f *testing.F) {
	key, _, _ := NewKey(DefaultOrigin)
	msg, _ := SignCheckpoint(Checkpoint{Origin: DefaultOrigin, Size: 1, Root: LeafHash([]byte("x"))}, key.Signer)
	good, _ := json.Marshal(&Receipt{Index: 0, LeafHash: LeafHash([]byte("x")), Checkpoint: string(msg), Inclusion: []tlog.Hash{}})
	f.Add(good)
	f.Add([]byte(`{"index":1,"leaf_hash":"AA==","checkpoint":"x","inclusion":[]}`))
	other, _, _ := NewKey(DefaultOrigin)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseReceipt(b)
		if err != nil {
			return
		}
		VerifyReceipt(r, nil, DefaultOrigin, key.Verifier)
		if _, err := VerifyReceipt(r, nil, DefaultOrigin, other.Verifier); err == nil {
			t.Fatal("receipt verified under a key that signed nothing")
		}
	})
}
