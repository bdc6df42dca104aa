package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/witness"
)

// serverTiles reads C2SP tiles from the server: a tlog.TileReader.
type serverTiles struct {
	t *testing.T
	s *Server
}

func (r serverTiles) Height() int { return ledger.TileHeight }

func (r serverTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		status, _, body := get(r.t, r.s, "/"+ledger.TilePath(tile))
		if status != 200 {
			r.t.Fatalf("GET /%s: status %d: %s", ledger.TilePath(tile), status, body)
		}
		out[i] = body
	}
	return out, nil
}

func (r serverTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// memHashes is a tree rebuilt in memory from leaf hashes.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m[x]
	}
	return out, nil
}

// TestTreeFromTilesAlone rebuilds the tree from the served tiles only and
// compares it with the signed checkpoint.
func TestTreeFromTilesAlone(t *testing.T) {
	const n = 700 // two full tiles and a partial one
	s, l := newTestServer(t, n)
	_, c, err := l.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tiles := serverTiles{t, s}
	var tree memHashes
	size := int64(0)
	for k := int64(0); k*ledger.TileWidth < c.Size; k++ {
		w := int(min(ledger.TileWidth, c.Size-k*ledger.TileWidth))
		hashTile := tlog.Tile{H: ledger.TileHeight, L: 0, N: k, W: w}
		entryTile := tlog.Tile{H: ledger.TileHeight, L: ledger.EntriesLevel, N: k, W: w}
		got, _ := tiles.ReadTiles([]tlog.Tile{hashTile, entryTile})
		bodies, err := ledger.SplitEntryBundle(got[1], w)
		if err != nil {
			t.Fatal(err)
		}
		for i, body := range bodies {
			leaf, err := tlog.HashFromTile(hashTile, got[0], tlog.StoredHashIndex(0, k*ledger.TileWidth+int64(i)))
			if err != nil || leaf != ledger.LeafHash(body) {
				t.Fatalf("entry %d: bundle and hash tile disagree (%v)", k*ledger.TileWidth+int64(i), err)
			}
			hs, err := tlog.StoredHashes(size, body, tree)
			if err != nil {
				t.Fatal(err)
			}
			tree, size = append(tree, hs...), size+1
		}
	}
	root, err := tlog.TreeHash(c.Size, tree)
	if err != nil || root != c.Root {
		t.Fatalf("root from tiles %s (%v), checkpoint %s", root, err, c.Root)
	}
	// A standard tile client proves an entry from tiles and the checkpoint.
	hr := tlog.TileHashReader(tlog.Tree{N: c.Size, Hash: c.Root}, tiles)
	proof, err := tlog.ProveRecord(c.Size, 517, hr)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, 517)})
	if err := tlog.CheckRecord(proof, c.Size, c.Root, 517, leaf[0]); err != nil {
		t.Fatalf("inclusion proof from tiles: %v", err)
	}
}

func TestTileCachingAndBounds(t *testing.T) {
	s, _ := newTestServer(t, 300)
	cases := []struct {
		path, cache string
		status      int
	}{
		{"/tile/0/000", "immutable", 200},
		{"/tile/entries/000", "immutable", 200},
		{"/tile/0/001.p/44", "no-cache", 200},
		{"/tile/entries/001.p/44", "no-cache", 200},
		{"/tile/1/000.p/1", "no-cache", 200},
		{"/tile/0/001", "", 404},            // beyond the tree
		{"/tile/entries/001.p/45", "", 404}, // beyond the tree
		{"/tile/data/000", "", 404},         // golang.org/x/mod's name, not C2SP's
		{"/tile/0/x", "", 404},
		{"/tile/8/0/000", "", 404},
	}
	for _, tc := range cases {
		resp, err := s.App().Test(httptest.NewRequest("GET", tc.path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(resp.Header.Get("Cache-Control"), tc.cache) {
			t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Cache-Control"), tc.status, tc.cache)
		}
	}
}

// cosignServer is a test server that accepts the cosignatures of one
// witness key.
func cosignServer(t *testing.T) (*Server, *ledger.Log, *witness.Signer) {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, l := newTestServer(t, 10)
	skey, vkey, err := witness.GenerateKey("court.example/witness")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := witness.NewSigner(skey)
	v, _ := witness.NewVerifier(vkey)
	cfg := s.cfg
	cfg.Witnesses, cfg.Cosignatures = []*witness.Verifier{v}, store.NewCosignatures(db)
	return New(cfg), l, signer
}

func post(t *testing.T, s *Server, path, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 4096)
	k, _ := resp.Body.Read(b)
	return resp.StatusCode, string(b[:k])
}

// cosign adds signers' signatures to a checkpoint signed by l.
func cosign(t *testing.T, l *ledger.Log, signed []byte, signers ...note.Signer) string {
	t.Helper()
	n, err := note.Open(signed, note.VerifierList(l.Key().Verifier))
	if err != nil {
		t.Fatal(err)
	}
	out, err := note.Sign(n, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSubmitCosignature(t *testing.T) {
	s, l, signer := cosignServer(t)
	sc, _, err := l.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := newWitnessSigner(t, "stranger.example/witness")
	forged, _ := ledger.SignCheckpoint(ledger.Checkpoint{Origin: l.Origin(), Size: 3, Root: tlog.Hash{1}}, l.Key().Signer)
	future := *signer
	future.Now = func() time.Time { return time.Now().Add(time.Hour) }
	cases := []struct {
		name, body string
		status     int
	}{
		{"a configured witness", cosign(t, l, sc.Note, signer), 200},
		{"an unknown witness", cosign(t, l, sc.Note, stranger), 400},
		{"a checkpoint the log never issued", cosign(t, l, forged, signer), 400},
		{"dated in the future", cosign(t, l, sc.Note, &future), 400},
		{"not a note", "hello", 400},
		{"too large", strings.Repeat("x", 20<<10), 413},
	}
	for _, tc := range cases {
		if status, body := post(t, s, "/api/v1/ledger/cosignatures", tc.body); status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, status, tc.status, body)
		}
	}
	_, _, served := get(t, s, "/checkpoint")
	if !strings.Contains(string(served), "— court.example/witness ") || strings.Contains(string(served), "stranger") {
		t.Fatalf("served checkpoint:\n%s", served)
	}
	if status, _, body := get(t, s, "/api/v1/ledger/checkpoint/cosigned"); status != 200 || !strings.HasPrefix(string(body), string(sc.Note)) {
		t.Fatalf("cosigned checkpoint: %d\n%s", status, body)
	}
}

func newWitnessSigner(t *testing.T, name string) (*witness.Signer, *witness.Verifier) {
	t.Helper()
	skey, vkey, err := witness.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := witness.NewSigner(skey)
	v, _ := witness.NewVerifier(vkey)
	return s, v
}
