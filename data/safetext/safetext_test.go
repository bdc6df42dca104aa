package safetext

import "testing"

func TestUnsafe(t *testing.T) {
	for _, s := range []string{"\x00", "a\x7f", "a\u0085", "\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "行\tx"} {
		if _, ok := Unsafe(s); !ok {
			t.Errorf("Unsafe(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "市场监督管理局", "Market Regulation (市场)", "O'Brien-Li", "\u200d", "emoji 😀"} {
		if r, ok := Unsafe(s); ok {
			t.Errorf("Unsafe(%q) = %q, want false", s, r)
		}
	}
}

func FuzzUnsafe(f *testing.F) {
	f.Add("名\u202e字")
	f.Fuzz(func(t *testing.T, s string) {
		if r, ok := Unsafe(s); ok && !(r < 0x20 || (r >= 0x7f && r < 0xa0) || isBidi(r)) {
			t.Fatalf("Unsafe(%q) = %q", s, r)
		}
	})
}
