package applicant

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzValidate(f *testing.F) {
	f.Add("natural", "张三", "resident_id", "11010519491231002x", "+86 138 1234 5678", "北京")
	f.Add("legal", "某公司", "uscc", "91350100m000100y43", "８６１３９１２３４５６７８", "")
	f.Add("natural", "", "passport", "E12345678", "0086-13812345678", "\xff")
	f.Add("", "\x00", "", "1101051949023X002X", "+86", strings.Repeat("路", 201))
	f.Fuzz(func(t *testing.T, typ, name, idType, id, phone, addr string) {
		a := Applicant{typ, name, idType, id, phone, addr}
		raw := a
		_ = raw.Validate() // unnormalised input must not panic either
		a.Normalize()
		errs := a.Validate()
		again := a
		again.Normalize()
		if again != a {
			t.Errorf("Normalize not idempotent: %+v, then %+v", a, again)
		}
		if len(errs) == 0 && (a.Type != Natural && a.Type != Legal || !isMobile(a.Phone)) {
			t.Errorf("Validate accepted %+v", a)
		}
		_ = Commit(a, nil)
	})
}

func FuzzMask(f *testing.F) {
	f.Add("natural", "司马相如")
	f.Add("legal", "某公司")
	f.Add("", "")
	f.Add("natural", " \xff张 ")
	f.Fuzz(func(t *testing.T, kind, s string) {
		name := MaskName(kind, s)
		if kind == Legal {
			if name != s {
				t.Errorf("MaskName(legal, %q) = %q, want it unchanged", s, name)
			}
		} else {
			checkMaskedName(t, kind, s, name)
		}
		checkMasked(t, "MaskID", s, MaskID(s), 10, 5)
		checkMasked(t, "MaskPhone", s, MaskPhone(s), 11, 7)
	})
}

// checkMaskedName checks that a natural person's masked name is the first
// rune of the trimmed name followed by only '*', at least one, with one
// rune per original rune ("*" for an empty name).
func checkMaskedName(t *testing.T, kind, s, name string) {
	t.Helper()
	trimmed := strings.TrimSpace(s)
	n := utf8.RuneCountInString(trimmed)
	wantLen := max(n, 2)
	if n == 0 {
		wantLen = 1
	}
	first, size := utf8.DecodeRuneInString(name)
	want, _ := utf8.DecodeRuneInString(trimmed)
	switch {
	case utf8.RuneCountInString(name) != wantLen:
		t.Errorf("MaskName(%q, %q) = %q, want %d runes", kind, s, name, wantLen)
	case n > 0 && first != want:
		t.Errorf("MaskName(%q, %q) = %q, want first rune %q", kind, s, name, want)
	case n > 0 && strings.Trim(name[size:], "*") != "", n == 0 && name != "*":
		t.Errorf("MaskName(%q, %q) = %q, want only '*' after the first rune", kind, s, name)
	}
}

// checkMasked checks that masked has the rune length of s and at most kept
// runes that are not '*' (none if s is shorter than min).
func checkMasked(t *testing.T, fn, s, masked string, min, kept int) {
	t.Helper()
	n := utf8.RuneCountInString(s)
	if got := utf8.RuneCountInString(masked); got != n {
		t.Errorf("%s(%q) = %q: %d runes, want %d", fn, s, masked, got, n)
	}
	if n < min {
		kept = 0
	}
	if got := utf8.RuneCountInString(strings.ReplaceAll(masked, "*", "")); got > kept {
		t.Errorf("%s(%q) = %q keeps %d runes, want at most %d", fn, s, masked, got, kept)
	}
}
