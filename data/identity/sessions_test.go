package identity

import (
	"bytes"
	"testing"
	"time"

	"qingdan/data/datatest"
	"qingdan/data/pgtest"
)

// TestSessions: a session stored through one handle is read through
// another on the same database (as another replica would), until it
// expires or is deleted; expired rows are swept.
func TestSessions(t *testing.T) { pgtest.Backends(t, testSessions) }

func testSessions(t *testing.T) {
	db := datatest.OpenDB(t)
	a, b := NewSessions(db), NewSessions(db)
	if got, err := b.Get("missing"); err != nil || got != nil {
		t.Fatalf("unknown session: %q %v, want nil", got, err)
	}
	if err := a.Set("s1", []byte("gob\x00data"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.Set("s1", []byte("gob\x00data v2"), time.Hour); err != nil { // saved again
		t.Fatal(err)
	}
	if got, err := b.Get("s1"); err != nil || !bytes.Equal(got, []byte("gob\x00data v2")) {
		t.Fatalf("Get through another handle: %q %v", got, err)
	}
	if err := a.Set("old", []byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := db.Writer.Exec(`UPDATE sessions SET expires_at = ? WHERE id = ?`, time.Now().Add(-time.Second).Unix(), sessionKey("old")).Error; err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Get("old"); got != nil {
		t.Fatalf("an expired session was returned: %q", got)
	}
	a.lastSweep.Store(0)
	if err := a.Set("s2", []byte("y"), 0); err != nil { // sweeps
		t.Fatal(err)
	}
	var n int64
	db.Reader.Raw(`SELECT count(*) FROM sessions WHERE id = ?`, sessionKey("old")).Scan(&n)
	if n != 0 {
		t.Fatal("the expired session was not swept")
	}
	if err := b.Delete("s1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get("s1"); got != nil {
		t.Fatal("a deleted session was returned")
	}
	if got, _ := a.Get("s2"); !bytes.Equal(got, []byte("y")) {
		t.Fatalf("a session without expiry: %q", got)
	}
}
