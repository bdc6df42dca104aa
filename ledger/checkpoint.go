package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// DefaultOrigin is the checkpoint origin line unless configured otherwise.
const DefaultOrigin = "qingdan.local/ledger"

// Checkpoint is the body of a C2SP tlog-checkpoint: origin, tree size and
// root hash. Extension lines are not written and are ignored when read.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text returns the note text of c: "origin\nsize\nbase64 root\n".
func (c Checkpoint) Text() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, c.Root)
}

// ParseCheckpoint parses the text of a checkpoint note (without signatures).
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	lines := strings.SplitAfter(string(text), "\n")
	if len(lines) < 4 || !strings.HasSuffix(string(text), "\n") {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint has fewer than three lines", ErrInvalid)
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	size, err := strconv.ParseInt(strings.TrimSuffix(lines[1], "\n"), 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != strings.TrimSuffix(lines[1], "\n") {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint size %q", ErrInvalid, lines[1])
	}
	rootText := strings.TrimSuffix(lines[2], "\n")
	root, err := tlog.ParseHash(rootText)
	if err != nil || origin == "" || root.String() != rootText { // one encoding only
		return Checkpoint{}, fmt.Errorf("%w: checkpoint origin or root hash", ErrInvalid)
	}
	return Checkpoint{Origin: origin, Size: size, Root: root}, nil
}

// SignCheckpoint returns the signed note of c.
func SignCheckpoint(c Checkpoint, signer note.Signer) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: string(c.Text())}, signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint verifies a signed checkpoint with v and checks its origin.
// Signatures by other keys (witness cosignatures) are allowed and ignored.
func OpenCheckpoint(msg []byte, origin string, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != origin {
		return Checkpoint{}, fmt.Errorf("%w: origin %q, want %q", ErrInvalid, c.Origin, origin)
	}
	return c, nil
}

// Key is a checkpoint signing key with its verifier.
type Key struct {
	Signer      note.Signer
	Verifier    note.Verifier
	VerifierKey string // name+keyid+base64, what auditors pin
}

// NewKey generates a fresh Ed25519 key named name and returns it with its
// private key string (the note "PRIVATE+KEY+…" form).
func NewKey(name string) (*Key, string, error) {
	skey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, "", fmt.Errorf("ledger: generate key: %w", err)
	}
	k, err := ParseKey(skey)
	return k, skey, err
}

// ParseKey builds a Key from a private key string in note format.
func ParseKey(skey string) (*Key, error) {
	skey = strings.TrimSpace(skey)
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("ledger: parse signing key: %w", err)
	}
	vkey, err := verifierKeyOf(skey, signer.Name())
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("ledger: derive verifier: %w", err)
	}
	return &Key{Signer: signer, Verifier: verifier, VerifierKey: vkey}, nil
}

// verifierKeyOf derives the public verifier key from "PRIVATE+KEY+name+hash+
// base64(0x01 ‖ seed)"; sumdb/note has no exported function for it.
func verifierKeyOf(skey, name string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("ledger: signing key is not in note format")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("ledger: signing key is not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(name, pub)
}

// LoadOrCreateKey reads the signing key at path, or creates one named name
// with mode 0600 when the file does not exist.
func LoadOrCreateKey(path, name string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(bytes.TrimSpace(data)))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("ledger: read key: %w", err)
	}
	k, skey, err := NewKey(name)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger: create key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger: write key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger: sync key: %w", err)
	}
	return k, f.Close()
}
