package ledger

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the height of C2SP tlog-tiles: a full tile holds 256
// hashes, or 256 entries for an entry bundle.
const TileHeight = 8

// TileWidth is the number of hashes or entries in a full tile.
const TileWidth = 1 << TileHeight

// EntriesLevel is the tlog.Tile level of entry bundles (C2SP
// "tile/entries/…", golang.org/x/mod's "data" tiles).
const EntriesLevel = -1

// ParseTilePath parses a C2SP tlog-tiles path without its prefix:
// "tile/<L>/<N>[.p/<W>]" for hash tiles and "tile/entries/<N>[.p/<W>]"
// for entry bundles, N written as in tlog ("x001/x234/067"). The height is
// always TileHeight; an entry bundle has level EntriesLevel.
func ParseTilePath(path string) (tlog.Tile, error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	level, rest, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || level == "data" {
		return tlog.Tile{}, fmt.Errorf("%w: tile path %q", ErrNotFound, path)
	}
	if level == "entries" {
		level = "data"
	}
	t, err := tlog.ParseTilePath(fmt.Sprintf("tile/%d/%s/%s", TileHeight, level, rest))
	if err != nil || t.L > 63 {
		return tlog.Tile{}, fmt.Errorf("%w: tile path %q", ErrNotFound, path)
	}
	return t, nil
}

// TilePath is the C2SP tlog-tiles path of t (height TileHeight).
func TilePath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", TileHeight))
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

// ReadTile returns the contents of tile t of the log in r as of a tree of
// the given size: for a hash tile the W hashes as tlog stores them, for an
// entry bundle each of the W entries as a big-endian uint16 length and the
// entry's bytes. A tile reaching past size is ErrNotFound.
func ReadTile(ctx context.Context, r Reader, size int64, t tlog.Tile) ([]byte, error) {
	if t.H != TileHeight || t.W < 1 || t.W > TileWidth || t.N < 0 || t.L < EntriesLevel {
		return nil, fmt.Errorf("%w: tile %v", ErrNotFound, t)
	}
	if !tileWithin(t, size) {
		return nil, fmt.Errorf("%w: tile %s is beyond the tree of size %d", ErrNotFound, TilePath(t), size)
	}
	if t.L == EntriesLevel {
		return readEntryBundle(ctx, r, t)
	}
	return tlog.ReadTileData(t, storeHashes(ctx, r))
}

// tileWithin reports whether the last hash of t exists in a tree of size:
// (N·256 + W) · 256^L ≤ size.
func tileWithin(t tlog.Tile, size int64) bool {
	if t.N > (1<<62)/TileWidth {
		return false
	}
	need := t.N*TileWidth + int64(t.W)
	shift := uint(0)
	if t.L > 0 {
		shift = uint(t.L * TileHeight)
	}
	return need <= size>>shift
}

// BodyReader is an optional Reader method: the exact bytes of entries
// start ≤ index < end in order, body valid only during fn. Stores offer it
// when reading only the bodies is cheaper than whole Records.
type BodyReader interface {
	ReadBodies(ctx context.Context, start, end int64, fn func(index int64, body []byte) error) error
}

// readBodies uses r's BodyReader if it has one, ReadRecords otherwise.
func readBodies(ctx context.Context, r Reader, start, end int64, fn func(int64, []byte) error) error {
	if br, ok := r.(BodyReader); ok {
		return br.ReadBodies(ctx, start, end, fn)
	}
	return r.ReadRecords(ctx, start, end, func(rec Record) error { return fn(rec.Index, rec.Body) })
}

func readEntryBundle(ctx context.Context, r Reader, t tlog.Tile) ([]byte, error) {
	start := t.N * TileWidth
	end := start + int64(t.W)
	out := make([]byte, 0, t.W*256)
	next := start
	err := readBodies(ctx, r, start, end, func(index int64, body []byte) error {
		if index != next {
			return fmt.Errorf("%w: entry %d missing from the store", ErrNotFound, next)
		}
		if len(body) > 0xFFFF {
			return fmt.Errorf("%w: entry %d has %d bytes, more than an entry bundle can hold", ErrTooLarge, index, len(body))
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)))
		out = append(out, body...)
		next++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if next != end {
		return nil, fmt.Errorf("%w: entries %d…%d missing from the store", ErrNotFound, next, end-1)
	}
	return out, nil
}

// SplitEntryBundle splits an entry bundle into its entries; it fails
// unless the bundle holds exactly want entries.
func SplitEntryBundle(bundle []byte, want int) ([][]byte, error) {
	out := make([][]byte, 0, want)
	for len(bundle) > 0 {
		if len(bundle) < 2 {
			return nil, fmt.Errorf("%w: entry bundle ends inside a length", ErrInvalid)
		}
		n := int(binary.BigEndian.Uint16(bundle))
		if len(bundle) < 2+n {
			return nil, fmt.Errorf("%w: entry bundle ends inside entry %d", ErrInvalid, len(out))
		}
		out = append(out, bundle[2:2+n])
		bundle = bundle[2+n:]
	}
	if len(out) != want {
		return nil, fmt.Errorf("%w: entry bundle holds %d entries, want %d", ErrInvalid, len(out), want)
	}
	return out, nil
}

// FrontierIndexes returns the tlog storage indexes of the roots of the
// complete subtrees of a tree of size: the hashes that tlog.TreeHash(size)
// reads and that appending entry size needs. A verifier that keeps only
// these can extend a tree it verified without its earlier entries.
func FrontierIndexes(size int64) []int64 { return frontierIndexes(size) }
