package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"qingdan/data/pgtest"
	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// TestPostgresRefusesTruncateAndHeadChanges: besides UPDATE and DELETE
// (the conformance suite), TRUNCATE of a ledger table and any change to
// ledger_head are refused by triggers.
func TestPostgresRefusesTruncateAndHeadChanges(t *testing.T) {
	h := postgresHarness()
	s := h.New(t)
	l := storetest.NewLog(t, s)
	for i := 0; i < 3; i++ {
		if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`TRUNCATE {entries}`,
		`TRUNCATE {checkpoints}`,
		`TRUNCATE seclog_entries`,
		`TRUNCATE ledger_head`,
		`UPDATE ledger_head SET log = 'other'`,
		`DELETE FROM ledger_head`,
	} {
		if err := h.Exec(t, s, q); err == nil {
			t.Errorf("%s: got success, want refusal", q)
		}
	}
	storetest.MustVerify(t, l, 3)
}

// TestSameBytesOnBothBackends appends the same events with the same clock
// and key to SQLite and to PostgreSQL: the stored bodies, leaf hashes,
// stored tree hashes and signed checkpoints are byte for byte the same,
// and every stored body re-hashes to its stored leaf hash.
func TestSameBytesOnBothBackends(t *testing.T) {
	pgtest.URL(t)
	key, _, err := ledger.NewKey(storetest.Origin)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 1, 8, 0, 0, 123456000, time.UTC)
	stores := []ledger.Store{sqliteHarness().New(t), postgresHarness().New(t)}
	for _, s := range stores {
		l, err := ledger.Open(s, ledger.Config{Origin: storetest.Origin, Key: key, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			ev := storetest.Event(i)
			ev.Data = map[string]any{"n": i, "note": "条目 \u2028 <&> \"quoted\"", "bytes": []byte{0, 255, byte(i)}}
			if _, err := l.Append(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
		}
		l.Close()
	}
	read := func(s ledger.Store) []ledger.Record {
		var out []ledger.Record
		err := s.ReadRecords(context.Background(), 0, -1, func(r ledger.Record) error {
			if ledger.LeafHash(r.Body) != r.Leaf {
				t.Errorf("entry %d: stored body does not re-hash to its leaf hash", r.Index)
			}
			out = append(out, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := read(stores[0]), read(stores[1])
	if len(a) != 40 || len(b) != 40 {
		t.Fatalf("read %d and %d entries, want 40", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i].Body, b[i].Body) || a[i].Prev != b[i].Prev || !bytes.Equal(hashBytes(a[i].Hashes), hashBytes(b[i].Hashes)) {
			t.Fatalf("entry %d differs between SQLite and PostgreSQL", i)
		}
	}
	ca, err := stores[0].LatestCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cb, err := stores[1].LatestCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ca.Size != 40 || !bytes.Equal(ca.Note, cb.Note) {
		t.Fatalf("latest checkpoints differ:\n%s\n%s", ca.Note, cb.Note)
	}
}
