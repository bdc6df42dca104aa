package applicant

import (
	"strings"
	"testing"
)

func TestQueryCodeAlphabet(t *testing.T) {
	if got, want := len(QueryCodeAlphabet), 31; got != want {
		t.Errorf("alphabet size = %d, want %d", got, want)
	}
	if strings.ContainsAny(QueryCodeAlphabet, "0O1IL") {
		t.Errorf("alphabet %q contains an ambiguous character", QueryCodeAlphabet)
	}
}

func TestNewQueryCode(t *testing.T) {
	seen := map[string]bool{}
	used := map[rune]int{}
	for range 2000 {
		code := NewQueryCode()
		if got, want := len(code), QueryCodeLength; got != want {
			t.Fatalf("len(%q) = %d, want %d", code, got, want)
		}
		for _, c := range code {
			if !strings.ContainsRune(QueryCodeAlphabet, c) {
				t.Fatalf("code %q has %q, not in the alphabet", code, c)
			}
			used[c]++
		}
		if seen[code] {
			t.Fatalf("code %q issued twice", code)
		}
		seen[code] = true
	}
	// 16000 draws over 31 characters: each expected about 516 times.
	for _, c := range QueryCodeAlphabet {
		if n := used[c]; n < 350 || n > 700 {
			t.Errorf("character %q drawn %d times, want about 516", c, n)
		}
	}
}

func TestQueryCodeCheck(t *testing.T) {
	hash := HashQueryCode("ABCD2345")
	if got, want := len(hash), 32; got != want {
		t.Errorf("len(hash) = %d, want %d", got, want)
	}
	tests := []struct {
		code string
		want bool
	}{
		{"ABCD2345", true},
		{"abcd2345", true},
		{" ABCD-2345 ", true},
		{"ＡＢＣＤ２３４５", true},
		{"ABCD 2345", true},
		{"ABCD2346", false},
		{"ABCD234", false},
		{"ABCD23455", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := CheckQueryCode(hash, tt.code); got != tt.want {
			t.Errorf("CheckQueryCode(hash, %q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	for _, bad := range [][]byte{nil, {}, hash[:31], append(append([]byte{}, hash...), 0)} {
		if CheckQueryCode(bad, "ABCD2345") {
			t.Errorf("CheckQueryCode(%x, code) = true, want false for a malformed hash", bad)
		}
	}
}

func TestQueryCodeRoundTrip(t *testing.T) {
	code := NewQueryCode()
	hash := HashQueryCode(code)
	if !CheckQueryCode(hash, strings.ToLower(code)) {
		t.Errorf("CheckQueryCode(HashQueryCode(%q), lower-case) = false, want true", code)
	}
	if CheckQueryCode(hash, NewQueryCode()) {
		t.Errorf("another code matched %q", code)
	}
}
