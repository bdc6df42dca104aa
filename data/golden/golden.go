// Package golden reads and writes golden ledgers: small ledgers that a
// fixed generator wrote with a fixed clock, key and random source, one for
// each format of the event data the code has ever written. They are kept
// in testdata for ever and replayed by the tests with the current code, so
// that a change which would stop an existing ledger from verifying fails a
// test (docs/ledger.md, "How event data evolves").
//
// A golden file is text, so that a new one reads as a diff: a header line,
// the log's origin and verifier key, its latest signed checkpoint, and
// every entry body the checkpoint covers, one per line as it is stored
// (a body holds no newline: its strings escape control characters); the
// checkpoint, a signed note of several lines, is one JSON string.
package golden

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/data"
	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/audit"
)

// magic is the first line of a golden file.
const magic = "qingdan-golden-ledger/v1"

// File is a golden ledger as read: nothing in it is trusted until
// verified (an audit.Auditor verifies it as a Source).
type File struct {
	Origin      string
	VerifierKey string   // name+id+base64, as auditors pin it
	Note        []byte   // the latest signed checkpoint
	Bodies      [][]byte // entry bodies, from index 0
}

var _ audit.Source = (*File)(nil)

// Write writes the log in r, which the latest checkpoint covers entirely,
// as a golden file.
func Write(ctx context.Context, w io.Writer, r ledger.Reader, origin, verifierKey string) error {
	latest, err := r.LatestCheckpoint(ctx)
	if err != nil {
		return fmt.Errorf("golden: write: %w", err)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\norigin %s\nvkey %s\ncheckpoint ", magic, origin, verifierKey)
	if err := writeString(bw, latest.Note); err != nil {
		return err
	}
	fmt.Fprintf(bw, "entries %d\n", latest.Size)
	var n int64
	err = r.ReadRecords(ctx, 0, latest.Size, func(rec ledger.Record) error {
		if rec.Index != n {
			return fmt.Errorf("golden: write: entry %d missing", n)
		}
		n++
		if !utf8.Valid(rec.Body) || bytes.IndexByte(rec.Body, '\n') >= 0 {
			return fmt.Errorf("golden: write: entry %d is not one line of UTF-8", rec.Index)
		}
		bw.Write(rec.Body)
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	if n != latest.Size {
		return fmt.Errorf("golden: write: %d entries stored, the checkpoint signs %d", n, latest.Size)
	}
	return bw.Flush()
}

// writeString writes b as one JSON string and a newline; b must be valid
// UTF-8 (a signed note is) so that reading gives it back exactly.
func writeString(w io.Writer, b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("golden: write: not valid UTF-8")
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(string(b))
}

// Read reads a golden file.
func Read(r io.Reader) (*File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 4*ledger.MaxEntrySize)
	line := func() (string, error) {
		if !sc.Scan() {
			return "", fmt.Errorf("golden: read: truncated file: %v", sc.Err())
		}
		return sc.Text(), nil
	}
	field := func(name string) (string, error) {
		s, err := line()
		if v, ok := strings.CutPrefix(s, name+" "); err == nil && ok {
			return v, nil
		}
		return "", fmt.Errorf("golden: read: want a %q line: %v", name, err)
	}
	if s, err := line(); err != nil || s != magic {
		return nil, fmt.Errorf("golden: read: not a %s file", magic)
	}
	f := &File{}
	var err error
	if f.Origin, err = field("origin"); err != nil {
		return nil, err
	}
	if f.VerifierKey, err = field("vkey"); err != nil {
		return nil, err
	}
	cp, err := field("checkpoint")
	if err != nil {
		return nil, err
	}
	if f.Note, err = readString(cp); err != nil {
		return nil, err
	}
	count, err := field("entries")
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("golden: read: bad entry count %q", count)
	}
	for i := 0; i < n; i++ {
		s, err := line()
		if err != nil {
			return nil, err
		}
		f.Bodies = append(f.Bodies, []byte(s))
	}
	if sc.Scan() {
		return nil, errors.New("golden: read: data after the last entry")
	}
	return f, sc.Err()
}

func readString(s string) ([]byte, error) {
	var v string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return []byte(v), nil
}

// Checkpoint implements audit.Source.
func (f *File) Checkpoint(ctx context.Context) ([]byte, error) { return f.Note, nil }

// Entries implements audit.Source.
func (f *File) Entries(ctx context.Context, n int64, w int) ([][]byte, error) {
	start, end := n*ledger.TileWidth, n*ledger.TileWidth+int64(w)
	if start < 0 || end > int64(len(f.Bodies)) {
		return nil, fmt.Errorf("golden: the file holds %d entries, not %d…%d", len(f.Bodies), start, end-1)
	}
	return f.Bodies[start:end], nil
}

// ConsistencyProof implements audit.Source: a golden file has none.
func (f *File) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	return nil, audit.ErrNoProofs
}

// Restore writes the file's entries and checkpoint into s, which must be
// empty, as the log that wrote them stored them (with their Merkle
// hashes), so that the ledger can be verified and replayed like any other.
// It checks nothing beyond what s refuses; verify the result.
func (f *File) Restore(ctx context.Context, s ledger.Store) error {
	recs, err := records(ctx, f.Bodies)
	if err != nil {
		return err
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	if err := tx.AddRecords(ctx, recs); err != nil {
		tx.Rollback()
		return fmt.Errorf("golden: restore: %w", err)
	}
	c, err := ledger.ParseCheckpoint(checkpointText(f.Note))
	if err != nil {
		tx.Rollback()
		return fmt.Errorf("golden: restore: %w", err)
	}
	if err := tx.AddCheckpoint(ctx, ledger.SignedCheckpoint{Size: c.Size, Note: f.Note}); err != nil {
		tx.Rollback()
		return fmt.Errorf("golden: restore: %w", err)
	}
	return tx.Commit()
}

// checkpointText is the signed note's text, before its signatures.
func checkpointText(note []byte) []byte {
	text, _, _ := bytes.Cut(note, []byte("\n\n"))
	return append(text, '\n')
}

// records computes each body's record: index, prev, leaf, the stored
// hashes its append added, and its type.
func records(ctx context.Context, bodies [][]byte) ([]ledger.Record, error) {
	var hashes []tlog.Hash
	stored := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(hashes)) {
				return nil, fmt.Errorf("golden: hash %d not yet computed", x)
			}
			out[i] = hashes[x]
		}
		return out, nil
	})
	recs := make([]ledger.Record, 0, len(bodies))
	var prev tlog.Hash
	for i, body := range bodies {
		e, err := ledger.Decode(body)
		if err != nil {
			return nil, fmt.Errorf("golden: entry %d: %w", i, err)
		}
		added, err := tlog.StoredHashes(int64(i), body, stored)
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, added...)
		leaf := ledger.LeafHash(body)
		recs = append(recs, ledger.Record{Index: int64(i), Prev: prev, Leaf: leaf, Hashes: added, Type: e.Type, Body: body})
		prev = leaf
	}
	return recs, nil
}

// RestoreFolder makes dir, which must be new or empty, a data folder
// holding the file's ledger (SQLite) with its projections rebuilt by the
// current code: what a server that wrote the ledger would have left, so
// that `qingdan verify --data dir` can check it.
func (f *File) RestoreFolder(ctx context.Context, dir string) error {
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		return err
	}
	if err := f.Restore(ctx, ls); err != nil {
		return err
	}
	return data.Replay(ctx, ls, db)
}
