package witness

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// TestCosignatureFormat checks a cosignature against the C2SP text
// independently of this package: the key ID formula and the signed
// message "cosignature/v1\ntime T\n" + checkpoint.
func TestCosignatureFormat(t *testing.T) {
	skey, vkey, err := GenerateKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(vkey, "+", 3)
	raw, _ := base64.StdEncoding.DecodeString(parts[2])
	if len(parts) != 3 || raw[0] != 0x04 || len(raw) != 33 {
		t.Fatalf("verifier key %q: want name+hash+base64(0x04 ‖ 32 bytes)", vkey)
	}
	pub := ed25519.PublicKey(raw[1:])
	id := sha256.Sum256(append([]byte("witness.example/w1\n\x04"), pub...))
	if want := fmt.Sprintf("%08x", binary.BigEndian.Uint32(id[:4])); parts[1] != want {
		t.Fatalf("key ID %s, want SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4] = %s", parts[1], want)
	}
	signer, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	signer.Now = func() time.Time { return time.Unix(1679315147, 0) }
	text := "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(strings.SplitN(string(msg), "\n\n", 2)[1], "\n")
	sig, _ := base64.StdEncoding.DecodeString(strings.Fields(line)[2])
	if len(sig) != 4+8+64 || binary.BigEndian.Uint64(sig[4:]) != 1679315147 {
		t.Fatalf("signature of %d bytes with time %d", len(sig), binary.BigEndian.Uint64(sig[4:]))
	}
	signed := "cosignature/v1\ntime 1679315147\n" + text
	if !ed25519.Verify(pub, []byte(signed), sig[12:]) {
		t.Fatal("the signature is not over cosignature/v1 ‖ time ‖ checkpoint")
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Fatalf("open: %v", err)
	}
	altered := strings.Replace(string(msg), "20852163", "20852164", 1)
	if _, err := note.Open([]byte(altered), note.VerifierList(v)); err == nil {
		t.Fatal("a cosignature verified on another checkpoint")
	}
	// The timestamp is signed: changing it breaks the signature.
	sig[11] ^= 1
	forged := strings.Replace(string(msg), strings.Fields(line)[2], base64.StdEncoding.EncodeToString(sig), 1)
	if _, err := note.Open([]byte(forged), note.VerifierList(v)); err == nil {
		t.Fatal("a cosignature with a changed timestamp verified")
	}
}

func TestKeysRejected(t *testing.T) {
	_, vkey, _ := GenerateKey("w")
	_, logKey, _ := note.GenerateKey(nil, "log")
	cases := []string{
		"", "w", "w+00000000", logKey, // an Ed25519 note key (type 0x01)
		strings.Replace(vkey, "+", "+0", 1)[:len(vkey)], // hash changed
		"w x+" + strings.SplitN(vkey, "+", 2)[1],        // space in the name
	}
	for _, k := range cases {
		if _, err := NewVerifier(k); !errors.Is(err, ErrBadKey) {
			t.Errorf("NewVerifier(%q): %v, want ErrBadKey", k, err)
		}
	}
	if _, err := NewSigner(vkey); err == nil {
		t.Error("a verifier key parsed as a signer")
	}
}

// testLog is a tree in memory with its checkpoints signed by a log key.
type testLog struct {
	key    *ledger.Key
	hashes []tlog.Hash
	size   int64
}

func (l *testLog) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = l.hashes[x]
	}
	return out, nil
}

func (l *testLog) grow(t *testing.T, n int, tag string) []byte {
	t.Helper()
	for range n {
		hs, err := tlog.StoredHashes(l.size, fmt.Appendf(nil, "%s %d", tag, l.size), l)
		if err != nil {
			t.Fatal(err)
		}
		l.hashes, l.size = append(l.hashes, hs...), l.size+1
	}
	root, _ := tlog.TreeHash(l.size, l)
	signed, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: "log.example", Size: l.size, Root: root}, l.key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func (l *testLog) clone() *testLog {
	return &testLog{key: l.key, hashes: append([]tlog.Hash(nil), l.hashes...), size: l.size}
}

func TestWitnessCosignsOnlyConsistentCheckpoints(t *testing.T) {
	key, _, _ := ledger.NewKey("log.example")
	skey, vkey, _ := GenerateKey("w.example")
	signer, _ := NewSigner(skey)
	v, _ := NewVerifier(vkey)
	w := &Witness{Signer: signer, Origin: "log.example", LogVerifier: key.Verifier}
	log := &testLog{key: key}
	first := log.grow(t, 10, "a")
	fork := log.clone()
	second := log.grow(t, 7, "a")
	forked := fork.grow(t, 7, "b") // same size, other entries
	longer := fork.grow(t, 3, "b")

	cosigned, c, err := w.Cosign(first, nil, nil)
	if err != nil || c.Size != 10 {
		t.Fatalf("first checkpoint: %v", err)
	}
	if _, err := note.Open(cosigned, note.VerifierList(v, key.Verifier)); err != nil {
		t.Fatalf("cosigned checkpoint does not open: %v", err)
	}
	proof, _ := tlog.ProveTree(17, 10, log)
	if _, _, err := w.Cosign(second, first, proof); err != nil {
		t.Fatalf("consistent checkpoint refused: %v", err)
	}
	forkProof, _ := tlog.ProveTree(20, 17, fork)
	refusals := []struct {
		name         string
		latest, last []byte
		proof        tlog.TreeProof
	}{
		{"smaller", first, second, nil},
		{"same size, other root", forked, second, nil},
		{"a fork with its own proof", longer, second, forkProof},
		{"no proof", second, first, nil},
	}
	for _, r := range refusals {
		if _, _, err := w.Cosign(r.latest, r.last, r.proof); !errors.Is(err, ErrInconsistent) {
			t.Errorf("%s: %v, want ErrInconsistent", r.name, err)
		}
	}
	other, _, _ := ledger.NewKey("log.example")
	if _, _, err := w.Cosign(log.clone().growWith(t, other), nil, nil); !errors.Is(err, ledger.ErrBadSignature) {
		t.Errorf("checkpoint by another key: %v, want ErrBadSignature", err)
	}
}

func (l *testLog) growWith(t *testing.T, k *ledger.Key) []byte {
	l.key = k
	return l.grow(t, 1, "c")
}

func FuzzNewVerifier(f *testing.F) {
	_, vkey, _ := GenerateKey("w.example")
	f.Add(vkey)
	f.Add("w+00000000+BA==")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := NewVerifier(s)
		if err == nil && (v.Name() == "" || strings.ContainsAny(v.Name(), "+ ")) {
			t.Fatalf("accepted %q with name %q", s, v.Name())
		}
	})
}
