package store

import (
	"context"
	"errors"
	"testing"

	"qingdan/ledger"
	"qingdan/ledger/storetest"
)

// tamperable builds a log of n entries and drops the append-only triggers,
// as an attacker with write access to the database file could.
func tamperable(t *testing.T, n int) (*LedgerStore, *ledger.Log) {
	t.Helper()
	_, s := newTestStore(t, MainLog)
	l := storetest.NewLog(t, s)
	for i := 0; i < n; i++ {
		if _, err := l.Append(context.Background(), storetest.Event(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tr := range []string{"entries_no_update", "entries_no_delete", "entries_chain",
		"checkpoints_no_update", "checkpoints_no_delete"} {
		mustExec(t, s, `DROP TRIGGER ledger_`+tr)
	}
	return s, l
}

func mustExec(t *testing.T, s *LedgerStore, q string, args ...any) {
	t.Helper()
	if _, err := s.db.SQLWriter().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func bodyOf(t *testing.T, s *LedgerStore, index int64) []byte {
	t.Helper()
	var body []byte
	if err := s.db.SQLReader().QueryRow(`SELECT body FROM ledger_entries WHERE idx = ?`, index).Scan(&body); err != nil {
		t.Fatal(err)
	}
	return body
}

// flip changes one byte inside the entry's data, keeping it canonical JSON.
func flip(body []byte) []byte {
	out := append([]byte(nil), body...)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] >= '0' && out[i] <= '8' {
			out[i]++
			return out
		}
	}
	panic("no digit to flip")
}

func TestVerifyCatchesTampering(t *testing.T) {
	const n = 50
	cases := []struct {
		name   string
		tamper func(t *testing.T, s *LedgerStore, l *ledger.Log)
		want   int64
	}{
		{"flipped byte in a body", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			mustExec(t, s, `UPDATE ledger_entries SET body = ? WHERE idx = 17`, flip(bodyOf(t, s, 17)))
		}, 17},
		{"flipped byte with its stored leaf hash rewritten", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			b := flip(bodyOf(t, s, 23))
			h := ledger.LeafHash(b)
			var hashes []byte
			if err := s.db.SQLReader().QueryRow(`SELECT hashes FROM ledger_entries WHERE idx = 23`).Scan(&hashes); err != nil {
				t.Fatal(err)
			}
			copy(hashes, h[:])
			mustExec(t, s, `UPDATE ledger_entries SET body = ?, hashes = ? WHERE idx = 23`, b, hashes)
		}, 23},
		{"two entries swapped", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			mustExec(t, s, `UPDATE ledger_entries SET idx = 1000000 WHERE idx = 10`)
			mustExec(t, s, `UPDATE ledger_entries SET idx = 10 WHERE idx = 11`)
			mustExec(t, s, `UPDATE ledger_entries SET idx = 11 WHERE idx = 1000000`)
		}, 10},
		{"a row deleted", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			mustExec(t, s, `DELETE FROM ledger_entries WHERE idx = 30`)
		}, 30},
		{"the log truncated", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			mustExec(t, s, `DELETE FROM ledger_entries WHERE idx >= 45`)
		}, 45},
		{"a stored merkle hash altered", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			mustExec(t, s, `UPDATE ledger_entries SET hashes = zeroblob(length(hashes)) WHERE idx = 39`)
		}, 39},
		{"latest checkpoint signed by another key", func(t *testing.T, s *LedgerStore, l *ledger.Log) {
			other, _, _ := ledger.NewKey(storetest.Origin)
			_, c, err := l.Latest(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			forged, _ := ledger.SignCheckpoint(c, other.Signer)
			mustExec(t, s, `UPDATE ledger_checkpoints SET note = ? WHERE size = ?`, forged, c.Size)
		}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, l := tamperable(t, n)
			storetest.MustVerify(t, l, n)
			tc.tamper(t, s, l)
			_, err := ledger.Verify(context.Background(), s, l.Origin(), l.Key().Verifier, nil)
			var ve *ledger.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a VerifyError", err)
			}
			if ve.Index != tc.want {
				t.Fatalf("first bad index %d (%s), want %d", ve.Index, ve.Reason, tc.want)
			}
		})
	}
}
