// Package witness implements C2SP tlog-cosignature/v1 cosignatures on
// qingdan's checkpoints (Ed25519, signature type 0x04) and the checks a
// witness makes before it cosigns: the checkpoint is signed by the log and
// is consistent with the last one the witness cosigned.
//
// golang.org/x/mod/sumdb/note implements only its own Ed25519 key type
// (0x01), whose signature covers the note text alone. A cosignature/v1
// signs "cosignature/v1\ntime <T>\n" followed by the note text and carries
// the timestamp T in its signature bytes, so it needs a key type (0x04) the
// note package does not know. The note package does accept any
// note.Signer and note.Verifier, so this file supplies the small pair for
// type 0x04 and everything else (parsing, signature lines, key lookup)
// stays with note.Open and note.Sign. A dependency that implements it
// (transparency-dev/formats) would bring a second note implementation for
// about sixty lines.
package witness

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// algCosignatureV1 is the signature type of Ed25519 cosignature/v1 keys.
const algCosignatureV1 = 0x04

// ErrBadKey: a key string that is not a cosignature/v1 key.
var ErrBadKey = errors.New("witness: not a cosignature/v1 key")

// keyHash is SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4], big-endian.
func keyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{algCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// signedMessage is what a cosignature/v1 signs: the header line, the
// timestamp line and the whole note text.
func signedMessage(text []byte, t uint64) []byte {
	msg := make([]byte, 0, len(text)+40)
	msg = append(msg, "cosignature/v1\ntime "...)
	msg = strconv.AppendUint(msg, t, 10)
	msg = append(msg, '\n')
	return append(msg, text...)
}

// Signer makes cosignature/v1 signatures; it is a note.Signer.
type Signer struct {
	name string
	hash uint32
	key  ed25519.PrivateKey
	// Now is the clock of the timestamps (default time.Now).
	Now func() time.Time
}

var _ note.Signer = (*Signer)(nil)

func (s *Signer) Name() string    { return s.name }
func (s *Signer) KeyHash() uint32 { return s.hash }

// Sign returns the timestamped signature of text: an 8-byte big-endian
// POSIX time followed by the 64-byte Ed25519 signature.
func (s *Signer) Sign(text []byte) ([]byte, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := uint64(now().Unix())
	sig := binary.BigEndian.AppendUint64(make([]byte, 0, 8+ed25519.SignatureSize), t)
	return append(sig, ed25519.Sign(s.key, signedMessage(text, t))...), nil
}

// Verifier checks cosignature/v1 signatures; it is a note.Verifier.
type Verifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
	// VerifierKey is the key's text form, name+hash+base64(0x04 ‖ key).
	VerifierKey string
}

var _ note.Verifier = (*Verifier)(nil)

func (v *Verifier) Name() string    { return v.name }
func (v *Verifier) KeyHash() uint32 { return v.hash }

// Verify reports whether sig is a valid timestamped signature of text.
func (v *Verifier) Verify(text, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > 1<<63-1 {
		return false
	}
	return ed25519.Verify(v.key, signedMessage(text, t), sig[8:])
}

// SignatureTime returns the timestamp of a cosignature/v1 signature (the
// bytes after the key hash).
func SignatureTime(sig []byte) (time.Time, bool) {
	if len(sig) != 8+ed25519.SignatureSize {
		return time.Time{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(sig)&(1<<63-1)), 0).UTC(), true
}

// GenerateKey returns a new cosigner key named name: the private key
// string PRIVATE+KEY+name+hash+base64(0x04 ‖ seed) and the verifier key.
func GenerateKey(name string) (skey, vkey string, err error) {
	if !validName(name) {
		return "", "", fmt.Errorf("%w: invalid name %q", ErrBadKey, name)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("witness: generate key: %w", err)
	}
	h := fmt.Sprintf("%08x", keyHash(name, pub))
	skey = "PRIVATE+KEY+" + name + "+" + h + "+" + b64(priv.Seed())
	vkey = name + "+" + h + "+" + b64(pub)
	return skey, vkey, nil
}

func b64(key []byte) string {
	return base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, key...))
}

// NewSigner parses a private key string made by GenerateKey.
func NewSigner(skey string) (*Signer, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(skey), "PRIVATE+KEY+")
	if !ok {
		return nil, fmt.Errorf("%w: no PRIVATE+KEY+ prefix", ErrBadKey)
	}
	name, hash, raw, err := splitKey(rest, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	priv := ed25519.NewKeyFromSeed(raw)
	if keyHash(name, priv.Public().(ed25519.PublicKey)) != hash {
		return nil, fmt.Errorf("%w: key hash does not match", ErrBadKey)
	}
	return &Signer{name: name, hash: hash, key: priv}, nil
}

// NewVerifier parses a verifier key name+hash+base64(0x04 ‖ public key).
func NewVerifier(vkey string) (*Verifier, error) {
	vkey = strings.TrimSpace(vkey)
	name, hash, raw, err := splitKey(vkey, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	if keyHash(name, raw) != hash {
		return nil, fmt.Errorf("%w: key hash does not match", ErrBadKey)
	}
	return &Verifier{name: name, hash: hash, key: ed25519.PublicKey(raw), VerifierKey: vkey}, nil
}

// splitKey splits name+hash+base64(0x04 ‖ key) and checks each part.
func splitKey(s string, keySize int) (string, uint32, []byte, error) {
	name, rest, ok1 := strings.Cut(s, "+")
	hashText, keyText, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || !validName(name) || len(hashText) != 8 {
		return "", 0, nil, fmt.Errorf("%w: want name+hash+key", ErrBadKey)
	}
	hash, err := strconv.ParseUint(hashText, 16, 32)
	if err != nil {
		return "", 0, nil, fmt.Errorf("%w: key hash %q", ErrBadKey, hashText)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(keyText)
	if err != nil || len(raw) != 1+keySize || raw[0] != algCosignatureV1 {
		return "", 0, nil, fmt.Errorf("%w: key data is not type 0x04 with a %d-byte key", ErrBadKey, keySize)
	}
	return name, uint32(hash), raw[1:], nil
}

// validName is note's rule for key names: non-empty UTF-8 without spaces
// or '+'.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}

// decodeSig returns a note signature's bytes after the 4-byte key hash.
func decodeSig(b64sig string) ([]byte, bool) {
	raw, err := base64.StdEncoding.DecodeString(b64sig)
	if err != nil || len(raw) < 4 {
		return nil, false
	}
	return raw[4:], true
}
