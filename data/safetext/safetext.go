// Package safetext tells whether a name is safe to show: no control
// characters and no bidirectional formatting characters, which can hide
// or reorder what a reader sees (a NUL or a right-to-left override in a
// name; docs/security.md).
package safetext

import "unicode"

// Unsafe reports the first character of s that a name must not hold: a
// control character (Unicode Cc, NUL included) or a bidirectional mark,
// embedding, override or isolate (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069). ok is false when s holds none.
func Unsafe(s string) (r rune, ok bool) {
	for _, r := range s {
		if unicode.Is(unicode.Cc, r) || isBidi(r) {
			return r, true
		}
	}
	return 0, false
}

func isBidi(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
