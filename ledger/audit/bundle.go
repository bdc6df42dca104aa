package audit

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"qingdan/ledger"
)

// bundleMagic is the first line of an exported bundle (docs/audit.md).
const bundleMagic = "qingdan-ledger-bundle/v1"

// WriteBundle writes the log in r as a bundle: a header, every stored
// signed checkpoint by ascending size, and the entries the latest
// checkpoint covers, each as a big-endian uint32 length and its bytes.
func WriteBundle(ctx context.Context, w io.Writer, r ledger.Reader, origin string) (entries int64, checkpoints int, err error) {
	var notes [][]byte
	if err := r.ReadCheckpoints(ctx, func(sc ledger.SignedCheckpoint) error {
		notes = append(notes, sc.Note)
		return nil
	}); err != nil {
		return 0, 0, err
	}
	latest, err := r.LatestCheckpoint(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("audit: export: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s\norigin %s\ncheckpoints %d\n", bundleMagic, origin, len(notes))
	for _, n := range notes {
		fmt.Fprintf(bw, "%d\n", len(n))
		bw.Write(n)
	}
	fmt.Fprintf(bw, "entries %d\n", latest.Size)
	err = r.ReadRecords(ctx, 0, latest.Size, func(rec ledger.Record) error {
		if rec.Index != entries {
			return fmt.Errorf("audit: export: entry %d missing from the store", entries)
		}
		bw.Write(binary.BigEndian.AppendUint32(nil, uint32(len(rec.Body))))
		_, err := bw.Write(rec.Body)
		entries++
		return err
	})
	if err != nil {
		return entries, len(notes), err
	}
	if entries != latest.Size {
		return entries, len(notes), fmt.Errorf("audit: export: %d entries stored, the checkpoint signs %d", entries, latest.Size)
	}
	return entries, len(notes), bw.Flush()
}

// Bundle is an exported log opened for an offline audit; it is a Source
// that serves no proofs (the auditor rebuilds the tree instead).
type Bundle struct {
	Origin      string
	Checkpoints [][]byte // by ascending size as exported; not yet verified
	f           *os.File
	offsets     []int64 // offsets[i] is where entry i's length starts; one past the end
}

var _ Source = (*Bundle)(nil)

// OpenBundle reads a bundle's header and checkpoints and indexes its
// entries. Close it when done.
func OpenBundle(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit: open bundle: %w", err)
	}
	b := &Bundle{f: f}
	if err := b.readHeader(); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: bundle %s: %w", path, err)
	}
	return b, nil
}

// Close closes the bundle's file.
func (b *Bundle) Close() error { return b.f.Close() }

func (b *Bundle) readHeader() error {
	br := bufio.NewReaderSize(b.f, 1<<20)
	pos := int64(0)
	line := func() (string, error) {
		s, err := br.ReadString('\n')
		pos += int64(len(s))
		if err != nil || len(s) > 1<<10 {
			return "", fmt.Errorf("truncated or malformed header")
		}
		return strings.TrimSuffix(s, "\n"), nil
	}
	field := func(name string) (string, error) {
		s, err := line()
		v, ok := strings.CutPrefix(s, name+" ")
		if err != nil || !ok {
			return "", fmt.Errorf("want a %q line", name)
		}
		return v, nil
	}
	if magic, err := line(); err != nil || magic != bundleMagic {
		return fmt.Errorf("not a %s file", bundleMagic)
	}
	var err error
	if b.Origin, err = field("origin"); err != nil {
		return err
	}
	count, err := countField(field("checkpoints"))
	if err != nil {
		return err
	}
	for range count {
		n, err := countField(line())
		if err != nil || n > 1<<16 {
			return fmt.Errorf("checkpoint length: %v", err)
		}
		note := make([]byte, n)
		if _, err := io.ReadFull(br, note); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		pos += n
		b.Checkpoints = append(b.Checkpoints, note)
	}
	entries, err := countField(field("entries"))
	if err != nil {
		return err
	}
	return b.indexEntries(br, pos, entries)
}

func countField(s string, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad count %q", s)
	}
	return n, nil
}

// indexEntries records where each entry starts, skipping the bodies.
func (b *Bundle) indexEntries(br *bufio.Reader, pos, n int64) error {
	b.offsets = make([]int64, 0, min(n+1, 1<<20)) // n is not trusted
	var lenBuf [4]byte
	for i := int64(0); i < n; i++ {
		b.offsets = append(b.offsets, pos)
		if _, err := io.ReadFull(br, lenBuf[:]); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		size := int64(binary.BigEndian.Uint32(lenBuf[:]))
		if size > ledger.MaxEntrySize {
			return fmt.Errorf("entry %d: %d bytes, more than an entry may have", i, size)
		}
		if _, err := br.Discard(int(size)); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		pos += 4 + size
	}
	b.offsets = append(b.offsets, pos)
	if _, err := br.ReadByte(); err != io.EOF {
		return fmt.Errorf("data after the last entry")
	}
	return nil
}

// Size is the number of entries in the bundle.
func (b *Bundle) Size() int64 { return int64(len(b.offsets) - 1) }

// Checkpoint implements Source: the bundle's last checkpoint.
func (b *Bundle) Checkpoint(ctx context.Context) ([]byte, error) {
	if len(b.Checkpoints) == 0 {
		return nil, fmt.Errorf("audit: the bundle holds no checkpoint")
	}
	return b.Checkpoints[len(b.Checkpoints)-1], nil
}

// Entries implements Source.
func (b *Bundle) Entries(ctx context.Context, n int64, w int) ([][]byte, error) {
	start, end := n*ledger.TileWidth, n*ledger.TileWidth+int64(w)
	if start < 0 || end > b.Size() {
		return nil, fmt.Errorf("audit: the bundle holds %d entries, not %d…%d", b.Size(), start, end-1)
	}
	buf := make([]byte, b.offsets[end]-b.offsets[start])
	if _, err := b.f.ReadAt(buf, b.offsets[start]); err != nil {
		return nil, fmt.Errorf("audit: read bundle: %w", err)
	}
	out := make([][]byte, 0, w)
	for len(buf) >= 4 {
		size := binary.BigEndian.Uint32(buf)
		out = append(out, buf[4:4+size])
		buf = buf[4+size:]
	}
	return out, nil
}

// ConsistencyProof implements Source: a bundle has none.
func (b *Bundle) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	return nil, ErrNoProofs
}
