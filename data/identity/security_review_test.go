package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"qingdan/data/applicant"
	"qingdan/data/datatest"
	"qingdan/data/lists"
	"qingdan/data/store"
)

// TestSessionIDsAreStoredHashed (issue 20, finding 14): a copy of the
// sessions table gives no live session id.
func TestSessionIDsAreStoredHashed(t *testing.T) {
	db := datatest.OpenDB(t)
	s := NewSessions(db)
	if err := s.Set("live-session-id", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	var ids []string
	db.Reader.Raw(`SELECT id FROM sessions`).Scan(&ids)
	sum := sha256.Sum256([]byte("live-session-id"))
	if len(ids) != 1 || ids[0] != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored ids %q, want only the SHA-256 of the session id", ids)
	}
	if got, _ := s.Get("live-session-id"); string(got) != "x" {
		t.Fatalf("Get = %q, want x", got)
	}
}

// TestNamesRefuseControlAndBidi (issue 20, finding 14): names of accounts,
// list items, departments and applicants refuse control characters and
// bidirectional overrides.
func TestNamesRefuseControlAndBidi(t *testing.T) {
	bad := []string{"a\x00b", "a\u202eb", "a\u2066b", "a\u200fb", "a\u061cb", "a\x1bb", "a\u2069"}
	for _, name := range bad {
		u := User{Username: "li.ming", DisplayName: name, Dept: "scjg"}
		if err := u.ValidateNew(); err == nil {
			t.Errorf("user display name %q accepted", name)
		}
		if err := lists.CheckNames(map[string]any{"name": name}); err == nil {
			t.Errorf("item name %q accepted", name)
		}
		a := applicant.Applicant{Type: applicant.Legal, Name: name, IDType: applicant.USCC, IDNumber: "91350100M000100Y43", Phone: "13800138000"}
		if errs := a.Validate(); errs["name"] == "" {
			t.Errorf("applicant name %q accepted", name)
		}
	}
	if err := lists.CheckNames(map[string]any{"name": "市场监督管理局（Market）"}); err != nil {
		t.Errorf("a plain name refused: %v", err)
	}
}

// TestExpiredTokenIsRefused (issue 20, finding 13).
func TestExpiredTokenIsRefused(t *testing.T) {
	db := datatest.OpenDB(t)
	d := NewDirectory(db, nil)
	ctx := context.Background()
	if err := db.Writer.Exec(`INSERT INTO users (username, display_name, dept, status, ledger_index) VALUES ('li.ming','李明','scjg','active',0)`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddToken(ctx, "li.ming", "old", "qd_expired", time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddToken(ctx, "li.ming", "new", "qd_live", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TokenOwner(ctx, "qd_expired"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired token: %v, want store.ErrNotFound", err)
	}
	if u, err := d.TokenOwner(ctx, "qd_live"); err != nil || u != "li.ming" {
		t.Errorf("a live token: %q %v", u, err)
	}
}
