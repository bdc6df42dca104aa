package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"qingdan/data/store"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// newTestServer serves a real SQLite-backed ledger with n entries.
func newTestServer(t *testing.T, n int) (*Server, *ledger.Log) {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ls, err := store.NewLedgerStore(db, store.MainLog)
	if err != nil {
		t.Fatal(err)
	}
	l := storetest.NewLog(t, ls)
	for i := 0; i < n; i++ {
		if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
			t.Fatal(err)
		}
	}
	return New(Config{Ledger: l}), l
}

// get performs a request against the app and returns status, content type
// and body.
func get(t *testing.T, s *Server, path string) (int, string, []byte) {
	t.Helper()
	resp, err := s.App().Test(httptest.NewRequest("GET", path, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

func getJSON(t *testing.T, s *Server, path string, v any) {
	t.Helper()
	status, _, body := get(t, s, path)
	if status != 200 {
		t.Fatalf("GET %s: status %d, want 200: %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func TestCheckpointAndKey(t *testing.T) {
	s, l := newTestServer(t, 5)
	status, ctype, body := get(t, s, "/checkpoint")
	if status != 200 || !strings.HasPrefix(ctype, "text/plain") {
		t.Fatalf("GET /checkpoint: %d %s", status, ctype)
	}
	var key struct {
		Origin      string `json:"origin"`
		VerifierKey string `json:"verifier_key"`
	}
	getJSON(t, s, "/api/v1/ledger/key", &key)
	v, err := note.NewVerifier(key.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.OpenCheckpoint(body, l.Origin(), v)
	if err != nil || c.Size != 5 || key.Origin != l.Origin() {
		t.Fatalf("served checkpoint %+v (%v), origin %q; want size 5 signed by the served key", c, err, key.Origin)
	}
}

// TestEntriesAndProofsVerify fetches entries and proofs as an auditor would
// and checks them against the served checkpoint.
func TestEntriesAndProofsVerify(t *testing.T) {
	s, l := newTestServer(t, 37)
	_, _, note := get(t, s, "/checkpoint")
	c, err := ledger.OpenCheckpoint(note, l.Origin(), l.Key().Verifier)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Entries []struct {
			Index    int64     `json:"index"`
			Body     string    `json:"body"`
			LeafHash tlog.Hash `json:"leaf_hash"`
		} `json:"entries"`
	}
	getJSON(t, s, "/api/v1/ledger/entries?start=30&limit=1000", &page)
	if len(page.Entries) != 7 || page.Entries[0].Index != 30 {
		t.Fatalf("got %d entries from %v, want 7 from 30", len(page.Entries), page.Entries)
	}
	for _, e := range page.Entries {
		body, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil || ledger.LeafHash(body) != e.LeafHash {
			t.Fatalf("entry %d: body does not hash to its leaf hash", e.Index)
		}
		var proof struct{ Hashes []tlog.Hash }
		getJSON(t, s, fmt.Sprintf("/api/v1/ledger/proof/inclusion?index=%d&size=%d", e.Index, c.Size), &proof)
		if err := tlog.CheckRecord(proof.Hashes, c.Size, c.Root, e.Index, e.LeafHash); err != nil {
			t.Fatalf("inclusion of %d: %v", e.Index, err)
		}
	}
	var one struct {
		Receipt ledger.Receipt `json:"receipt"`
		Body    []byte         `json:"body"`
		Entry   struct{ Type string }
	}
	getJSON(t, s, "/api/v1/ledger/entries/12", &one)
	if _, err := ledger.VerifyReceipt(&one.Receipt, one.Body, l.Origin(), l.Key().Verifier); err != nil || one.Entry.Type != "test.appended" {
		t.Fatalf("entry 12 receipt: %v (type %q)", err, one.Entry.Type)
	}
}

func TestConsistencyProofAcrossAppends(t *testing.T) {
	s, l := newTestServer(t, 10)
	_, old, _ := l.Latest(context.Background())
	for i := 0; i < 15; i++ {
		l.Append(context.Background(), storetest.Event(i))
	}
	_, cur, _ := l.Latest(context.Background())
	var proof struct{ Hashes []tlog.Hash }
	getJSON(t, s, fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", old.Size, cur.Size), &proof)
	if err := tlog.CheckTree(proof.Hashes, cur.Size, cur.Root, old.Size, old.Root); err != nil {
		t.Fatalf("consistency %d→%d: %v", old.Size, cur.Size, err)
	}
}

// TestBadParametersAre400 checks every malformed request is a clear
// problem+json 400 (or 404), never a 500.
func TestBadParametersAre400(t *testing.T) {
	s, _ := newTestServer(t, 8)
	cases := []struct {
		path   string
		status int
		detail string
	}{
		{"/api/v1/ledger/entries?start=x", 400, "whole number"},
		{"/api/v1/ledger/entries?limit=1001", 400, "between 1 and 1000"},
		{"/api/v1/ledger/entries?limit=0", 400, "between 1 and 1000"},
		{"/api/v1/ledger/entries?start=-1", 400, "between"},
		{"/api/v1/ledger/entries/abc", 400, "whole number"},
		{"/api/v1/ledger/entries/-3", 400, "whole number"},
		{"/api/v1/ledger/entries/8", 404, "entry 8"},
		{"/api/v1/ledger/proof/inclusion?size=8", 400, "required"},
		{"/api/v1/ledger/proof/inclusion?index=8&size=8", 400, "not below size"},
		{"/api/v1/ledger/proof/inclusion?index=1&size=9", 400, "outside 1…8"},
		{"/api/v1/ledger/proof/inclusion?index=1&size=0", 400, "between"},
		{"/api/v1/ledger/proof/inclusion?index=1e3&size=8", 400, "whole number"},
		{"/api/v1/ledger/proof/consistency?from=5&to=3", 400, "from ≤ to"},
		{"/api/v1/ledger/proof/consistency?from=1&to=99", 400, "outside"},
		{"/api/v1/ledger/proof/consistency?from=0&to=3", 400, "between"},
		{"/api/v1/ledger/proof/consistency?from=99999999999999999999&to=3", 400, "whole number"},
		{"/api/v1/no/such/route", 404, ""}, // outside /api/ a 404 is a page (pages_test.go)
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			status, ctype, body := get(t, s, c.path)
			var p Problem
			if err := json.Unmarshal(body, &p); err != nil || ctype != "application/problem+json" {
				t.Fatalf("not problem+json (%s): %s", ctype, body)
			}
			if status != c.status || p.Status != c.status || !strings.Contains(p.Detail, c.detail) {
				t.Fatalf("got %d %q, want %d containing %q", status, p.Detail, c.status, c.detail)
			}
		})
	}
}

func TestEmptyLedger(t *testing.T) {
	s, _ := newTestServer(t, 0)
	if status, _, _ := get(t, s, "/checkpoint"); status != 404 {
		t.Fatalf("checkpoint of empty log: %d, want 404", status)
	}
	var page struct{ Entries []any }
	getJSON(t, s, "/api/v1/ledger/entries", &page)
	if page.Entries == nil || len(page.Entries) != 0 {
		t.Fatalf("entries of empty log: %v, want []", page.Entries)
	}
	if status, _, _ := get(t, s, "/healthz"); status != 200 {
		t.Fatalf("healthz: %d", status)
	}
}

// TestEveryRouteDeclaresAccess: the route table is the attack surface;
// every route must say who may call it.
func TestEveryRouteDeclaresAccess(t *testing.T) {
	s, _ := newTestServer(t, 0)
	for _, r := range s.routeTable() {
		if !r.access.declared() {
			t.Errorf("%s %s declares no access", r.method, r.path)
		}
	}
}
