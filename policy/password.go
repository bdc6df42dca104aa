package policy

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Password hashing errors. VerifyPassword fails closed: any error means
// "do not log in".
var (
	// ErrPasswordMismatch: the password does not match the stored hash.
	ErrPasswordMismatch = errors.New("policy: wrong password")
	// ErrMalformedHash: the stored hash is not an argon2id PHC string this
	// package accepts (see VerifyPassword).
	ErrMalformedHash = errors.New("policy: malformed password hash")
)

// MaxPasswordBytes bounds the passwords hashed or verified, so that a huge
// request body cannot buy a long hash computation.
const MaxPasswordBytes = 1024

// argonParams are the argon2id cost parameters of one hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
	saltLen uint32 // bytes
	keyLen  uint32 // bytes
}

// defaultParams are the parameters of new hashes: 64 MiB, 2 passes, 2 lanes,
// a 16-byte salt and a 32-byte tag (what one hash costs on the reference
// server: docs/benchmarks.md). 64 MiB is RFC 9106's memory figure for
// memory-constrained servers (its second recommendation, with lanes
// matched to the two cores and one pass fewer). The
// web layer should bound concurrent logins (e.g. to the core count) so that
// a burst of logins cannot take memory in 64 MiB steps.
func defaultParams() argonParams {
	return argonParams{memory: 64 * 1024, time: 2, threads: 2, saltLen: 16, keyLen: 32}
}

// Bounds accepted when parsing a stored hash, so that a corrupt or hostile
// row cannot make a login allocate gigabytes or spin for minutes.
const (
	minMemoryKiB, maxMemoryKiB = 8, 1 << 20 // 1 GiB
	maxTime                    = 16
	maxThreads                 = 16
	minSaltLen, maxSaltLen     = 8, 64
	minKeyLen, maxKeyLen       = 16, 64
)

// b64 is the PHC string encoding: standard alphabet, no padding, and
// strict (no stray bits in the last character).
var b64 = base64.RawStdEncoding.Strict()

// HashPassword returns an argon2id hash of password in the PHC string
// format, $argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>, with a fresh
// random salt. It does not apply CheckPasswordPolicy: callers do that for
// passwords users choose (demo seeding deliberately does not).
func HashPassword(password string) (string, error) {
	return hashWith(defaultParams(), password)
}

func hashWith(p argonParams, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("policy: password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword checks password against an encoded hash made by
// HashPassword (or any argon2id v=19 PHC string within sane bounds). It
// returns nil on a match, ErrPasswordMismatch on a wrong password, and an
// error wrapping ErrMalformedHash when encoded cannot be parsed. The tag
// comparison is constant-time.
func VerifyPassword(encoded, password string) error {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return err
	}
	if len(password) > MaxPasswordBytes {
		return ErrPasswordMismatch
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrPasswordMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// HashPassword uses now (or cannot be parsed), so that a login can upgrade
// it.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	return err != nil || p != defaultParams()
}

// decodeHash parses $argon2id$v=19$m=M,t=T,p=P$salt$hash strictly: that
// exact shape and field order, canonical decimal numbers, unpadded strict
// base64, parameters within bounds.
func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, malformed("not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, malformed("unsupported version")
	}
	if err := parseParams(parts[3], &p); err != nil {
		return p, nil, nil, err
	}
	salt, err := decodeField(parts[4], "salt", minSaltLen, maxSaltLen)
	if err != nil {
		return p, nil, nil, err
	}
	key, err := decodeField(parts[5], "hash", minKeyLen, maxKeyLen)
	if err != nil {
		return p, nil, nil, err
	}
	p.saltLen, p.keyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// parseParams parses "m=M,t=T,p=P" into p.
func parseParams(s string, p *argonParams) error {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return malformed("want parameters m,t,p")
	}
	m, err1 := parseParam(fields[0], "m=", minMemoryKiB, maxMemoryKiB)
	t, err2 := parseParam(fields[1], "t=", 1, maxTime)
	l, err3 := parseParam(fields[2], "p=", 1, maxThreads)
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	if m < 8*l {
		return malformed("memory below 8 KiB per lane")
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(l)
	return nil
}

// parseParam parses one "k=N" field with N canonical decimal in [lo, hi].
func parseParam(field, prefix string, lo, hi uint64) (uint64, error) {
	digits, ok := strings.CutPrefix(field, prefix)
	if !ok {
		return 0, malformed("want parameter " + prefix[:1])
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || strconv.FormatUint(n, 10) != digits {
		return 0, malformed("parameter " + prefix[:1] + " is not a canonical number")
	}
	if n < lo || n > hi {
		return 0, malformed("parameter " + prefix[:1] + " out of range")
	}
	return n, nil
}

// decodeField decodes one base64 field whose length must lie in [lo, hi].
func decodeField(s, name string, lo, hi int) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s { // the decoder skips \r and \n
		return nil, malformed(name + " is not unpadded base64")
	}
	if len(b) < lo || len(b) > hi {
		return nil, malformed(name + " length out of range")
	}
	return b, nil
}

func malformed(why string) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, why)
}
