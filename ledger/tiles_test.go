package ledger

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func TestTilePaths(t *testing.T) {
	cases := []struct {
		path string
		tile tlog.Tile
	}{
		{"tile/0/000", tlog.Tile{H: 8, L: 0, N: 0, W: 256}},
		{"tile/1/x001/234.p/5", tlog.Tile{H: 8, L: 1, N: 1234, W: 5}},
		{"tile/entries/x001/x234/067", tlog.Tile{H: 8, L: -1, N: 1234067, W: 256}},
		{"tile/entries/000.p/1", tlog.Tile{H: 8, L: -1, N: 0, W: 1}},
	}
	for _, tc := range cases {
		got, err := ParseTilePath(tc.path)
		if err != nil || got != tc.tile {
			t.Errorf("ParseTilePath(%q) = %+v, %v; want %+v", tc.path, got, err, tc.tile)
		}
		if p := TilePath(tc.tile); p != tc.path {
			t.Errorf("TilePath(%+v) = %q, want %q", tc.tile, p, tc.path)
		}
	}
	for _, bad := range []string{"tile/data/000", "tile/8/0/000", "tile/0/1", "tile/0/000.p/0", "tile/0/000.p/256",
		"tile/-1/000", "tile/entries", "tiles/0/000", "tile/0/000.p/05", "tile/64/000"} {
		if _, err := ParseTilePath(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("ParseTilePath(%q): %v, want ErrNotFound", bad, err)
		}
	}
}

func TestTileWithin(t *testing.T) {
	cases := []struct {
		tile tlog.Tile
		size int64
		want bool
	}{
		{tlog.Tile{H: 8, L: 0, N: 0, W: 256}, 256, true},
		{tlog.Tile{H: 8, L: 0, N: 0, W: 256}, 255, false},
		{tlog.Tile{H: 8, L: 1, N: 0, W: 1}, 256, true},
		{tlog.Tile{H: 8, L: 1, N: 0, W: 2}, 511, false},
		{tlog.Tile{H: 8, L: -1, N: 1, W: 44}, 300, true},
		{tlog.Tile{H: 8, L: 7, N: 0, W: 1}, 1 << 62, true},
		{tlog.Tile{H: 8, L: 8, N: 0, W: 1}, 1 << 62, false},
		{tlog.Tile{H: 8, L: 0, N: 1 << 60, W: 1}, 1 << 62, false},
	}
	for _, tc := range cases {
		if got := tileWithin(tc.tile, tc.size); got != tc.want {
			t.Errorf("tileWithin(%+v, %d) = %v, want %v", tc.tile, tc.size, got, tc.want)
		}
	}
}

func TestSplitEntryBundle(t *testing.T) {
	bundle := []byte("\x00\x02{}\x00\x00\x00\x03abc")
	got, err := SplitEntryBundle(bundle, 3)
	if err != nil || len(got) != 3 || string(got[0]) != "{}" || len(got[1]) != 0 || string(got[2]) != "abc" {
		t.Fatalf("SplitEntryBundle: %q, %v", got, err)
	}
	for _, bad := range [][]byte{bundle[:len(bundle)-1], append(bytes.Clone(bundle), 0), []byte("\x00\x05ab")} {
		if _, err := SplitEntryBundle(bad, 3); err == nil {
			t.Errorf("SplitEntryBundle(%q) accepted", bad)
		}
	}
	if _, err := SplitEntryBundle(bundle, 2); err == nil {
		t.Error("a bundle of 3 entries accepted as 2")
	}
}

func FuzzParseTilePath(f *testing.F) {
	f.Add("tile/entries/x001/234.p/7")
	f.Add("tile/3/000")
	f.Fuzz(func(t *testing.T, p string) {
		tile, err := ParseTilePath(p)
		if err != nil {
			return
		}
		if TilePath(tile) != p {
			t.Fatalf("ParseTilePath(%q) = %+v, which prints as %q", p, tile, TilePath(tile))
		}
	})
}

func FuzzSplitEntryBundle(f *testing.F) {
	f.Add([]byte("\x00\x02{}"), 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 300 {
			return
		}
		entries, err := SplitEntryBundle(b, n)
		if err != nil {
			return
		}
		size := 0
		for _, e := range entries {
			size += 2 + len(e)
		}
		if size != len(b) {
			t.Fatalf("entries cover %d of %d bytes", size, len(b))
		}
	})
}
