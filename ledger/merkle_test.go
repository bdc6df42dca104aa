package ledger

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// memHashes is an in-memory tlog.HashReader for tests.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("no hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

// buildTree returns the stored hashes and leaf hashes of leaves.
func buildTree(t testing.TB, leaves [][]byte) (memHashes, []tlog.Hash) {
	t.Helper()
	var m memHashes
	var leafHashes []tlog.Hash
	for i, l := range leaves {
		hs, err := tlog.StoredHashes(int64(i), l, m)
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, hs...)
		leafHashes = append(leafHashes, LeafHash(l))
	}
	return m, leafHashes
}

// The RFC 6962 test tree used by Certificate Transparency implementations.
var rfc6962Leaves = []string{"", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f"}

var rfc6962Roots = []string{
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func TestRFC6962KnownRoots(t *testing.T) {
	var leaves [][]byte
	for _, l := range rfc6962Leaves {
		b, _ := hex.DecodeString(l)
		leaves = append(leaves, b)
	}
	m, _ := buildTree(t, leaves)
	for size := 1; size <= len(leaves); size++ {
		root, err := tlog.TreeHash(int64(size), m)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(root[:]); got != rfc6962Roots[size-1] {
			t.Errorf("root of %d leaves: got %s, want %s", size, got, rfc6962Roots[size-1])
		}
	}
	// A wrong leaf must change the root.
	leaves[3] = []byte{0x20, 0x22}
	m, _ = buildTree(t, leaves)
	if root, _ := tlog.TreeHash(8, m); hex.EncodeToString(root[:]) == rfc6962Roots[7] {
		t.Error("root unchanged after changing a leaf")
	}
}

// TestProofsAgainstIndependentImplementation checks our proofs (tlog over
// persisted stored hashes) with transparency-dev/merkle.
func TestProofsAgainstIndependentImplementation(t *testing.T) {
	const n = 300
	leaves := make([][]byte, n)
	for i := range leaves {
		leaves[i] = fmt.Appendf(nil, "entry %d", i)
	}
	m, leafHashes := buildTree(t, leaves)
	roots := independentRoots(t, leafHashes)
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 500; k++ {
		size := 1 + rng.Int64N(n)
		index := rng.Int64N(size)
		checkInclusion(t, m, leafHashes, roots, index, size)
		from := 1 + rng.Int64N(size)
		checkConsistency(t, m, roots, from, size)
	}
}

// independentRoots computes the root at every size with compact ranges.
func independentRoots(t *testing.T, leafHashes []tlog.Hash) [][]byte {
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	roots := [][]byte{nil}
	for _, h := range leafHashes {
		if err := r.Append(append([]byte(nil), h[:]...), nil); err != nil {
			t.Fatal(err)
		}
		root, err := r.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		roots = append(roots, root)
	}
	return roots
}

func checkInclusion(t *testing.T, m memHashes, leafHashes []tlog.Hash, roots [][]byte, index, size int64) {
	t.Helper()
	p, err := tlog.ProveRecord(size, index, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(index), uint64(size), leafHashes[index][:], toBytes(p), roots[size]); err != nil {
		t.Fatalf("inclusion %d in %d: %v", index, size, err)
	}
	if size > 1 {
		wrong := (index + 1) % size
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(wrong), uint64(size), leafHashes[index][:], toBytes(p), roots[size]); err == nil {
			t.Fatalf("inclusion proof of %d also verified for index %d", index, wrong)
		}
	}
}

func checkConsistency(t *testing.T, m memHashes, roots [][]byte, from, to int64) {
	t.Helper()
	p, err := tlog.ProveTree(to, from, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(from), uint64(to), toBytes(p), roots[from], roots[to]); err != nil {
		t.Fatalf("consistency %d→%d: %v", from, to, err)
	}
}

func toBytes(hs []tlog.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = append([]byte(nil), hs[i][:]...)
	}
	return out
}

// TestProofForWrongSize: a proof made for one tree size does not verify
// against a checkpoint of another size.
func TestProofForWrongSize(t *testing.T) {
	leaves := make([][]byte, 20)
	for i := range leaves {
		leaves[i] = fmt.Appendf(nil, "e%d", i)
	}
	m, leafHashes := buildTree(t, leaves)
	p, err := tlog.ProveRecord(13, 5, m)
	if err != nil {
		t.Fatal(err)
	}
	root20, _ := tlog.TreeHash(20, m)
	if err := tlog.CheckRecord(p, 20, root20, 5, leafHashes[5]); err == nil {
		t.Fatal("a proof for size 13 verified against the root of size 20")
	}
	root13, _ := tlog.TreeHash(13, m)
	if err := tlog.CheckRecord(p, 13, root13, 5, leafHashes[5]); err != nil {
		t.Fatalf("the proof for size 13 must verify at 13: %v", err)
	}
}
