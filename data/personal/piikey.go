package personal

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"qingdan/data/store"
)

// PIIMasterKey is the master key (key-encryption key) of personal data: 32
// random bytes kept outside the database, in the key file (<data>/pii.key
// by default). It wraps the data keys stored in the pii_keys table; it
// never seals a record itself. Its ID, a hash of the key, is stored beside
// each wrapped data key, so that a wrong key file is told apart from a
// damaged database.
type PIIMasterKey struct {
	ID  string
	key [32]byte
}

// piiKeyFilePrefix starts every line of a key file.
const piiKeyFilePrefix = "qingdan-pii-key/1 "

// NewPIIMasterKey returns a fresh random master key.
func NewPIIMasterKey() (PIIMasterKey, error) {
	var k [32]byte
	if _, err := rand.Read(k[:]); err != nil {
		return PIIMasterKey{}, fmt.Errorf("data: pii key: %w", err)
	}
	return masterKey(k), nil
}

func masterKey(k [32]byte) PIIMasterKey {
	id := sha256.Sum256(append([]byte("qingdan/pii/master-id/v1\x00"), k[:]...))
	return PIIMasterKey{ID: hex.EncodeToString(id[:8]), key: k}
}

// String is the key's line in a key file.
func (k PIIMasterKey) String() string {
	return piiKeyFilePrefix + base64.StdEncoding.EncodeToString(k.key[:])
}

// ParsePIIKeyFile reads a key file: one key a line, the current key first;
// the lines after it are older keys still accepted for unwrapping (during
// a rotation). Blank lines and lines starting with # are ignored.
func ParsePIIKeyFile(b []byte) ([]PIIMasterKey, error) {
	var keys []PIIMasterKey
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, piiKeyFilePrefix))
		if !strings.HasPrefix(line, piiKeyFilePrefix) || err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("data: pii key file: line %d is not %q followed by the base64 of 32 bytes", n+1, piiKeyFilePrefix)
		}
		keys = append(keys, masterKey([32]byte(raw)))
	}
	if len(keys) == 0 {
		return nil, errors.New("data: pii key file holds no key")
	}
	return keys, nil
}

func formatPIIKeyFile(keys []PIIMasterKey) []byte {
	var b bytes.Buffer
	b.WriteString("# qingdan personal-data master key: keep it secret, apart from the database and its backups\n")
	for _, k := range keys {
		b.WriteString(k.String() + "\n")
	}
	return b.Bytes()
}

// WritePIIKeyFile replaces the key file at path with keys (current first)
// atomically: a reader sees the old file or the new one, never a part.
func WritePIIKeyFile(path string, keys []PIIMasterKey) error {
	tmp, err := writeTemp(path, formatPIIKeyFile(keys))
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("data: pii key file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes b, synced, to a new file with mode 0600 beside path.
func writeTemp(path string, b []byte) (string, error) {
	fh, err := os.CreateTemp(filepath.Dir(path), ".pii-key-")
	if err != nil {
		return "", fmt.Errorf("data: pii key file: %w", err)
	}
	if err := fh.Chmod(0o600); err == nil {
		if _, err = fh.Write(b); err == nil {
			err = fh.Sync()
		}
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(fh.Name())
		return "", fmt.Errorf("data: pii key file: %w", err)
	}
	return fh.Name(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// LoadOrCreatePIIKeyFile reads the key file at path. A missing file is
// created (mode 0600) with a new key only while the database holds no
// wrapped data key: otherwise the key was lost or the path is wrong, and a
// new key would open nothing. Replicas starting together on one shared
// folder create one file: the first link wins and the others read it.
func LoadOrCreatePIIKeyFile(ctx context.Context, db *store.DB, path string) ([]PIIMasterKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParsePIIKeyFile(b)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("data: pii key file: %w", err)
	}
	var n int64
	if err := db.Reader.WithContext(ctx).Raw(`SELECT count(*) FROM pii_keys`).Scan(&n).Error; err != nil {
		return nil, fmt.Errorf("data: pii keys: %w", err)
	}
	if n > 0 {
		return nil, fmt.Errorf("data: no personal-data key file at %s, but the database holds %d data keys wrapped by one: "+
			"pass the key file with --pii-key (it is not in backups; docs/operations.md)", path, n)
	}
	k, err := NewPIIMasterKey()
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(path, formatPIIKeyFile([]PIIMasterKey{k}))
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("data: pii key file: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return LoadOrCreatePIIKeyFile(ctx, db, path) // ours, or the replica's that linked first
}
