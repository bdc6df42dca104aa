package applicant

import "strings"

// MaskName returns the public display name of an applicant. A legal
// person's registered name is public and returned unchanged. Any other
// kind, including an unknown one, is treated as a natural person: the
// first rune is kept and every other rune replaced by '*', with at least
// one '*' ("张" → "张*", "张三" → "张*", "司马相如" → "司***"; an empty
// name gives "*"). Surrounding white space is ignored.
func MaskName(kind, name string) string {
	if kind == Legal {
		return name
	}
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return "*"
	}
	return string(r[0]) + stars(max(len(r)-1, 1))
}

// MaskID masks an identity document number for staff screens, keeping the
// length: a number of 10 or more runes keeps its first 3 and last 2 runes
// ("11010519491231002X" → "110*************2X", the region prefix and the
// check character); a shorter one (a short passport number) is masked
// entirely, so that at least half of any number is hidden.
func MaskID(id string) string { return keepEnds(id, 10, 3, 2) }

// MaskPhone masks a phone number for staff screens, keeping the length: a
// number of 11 or more runes keeps its first 3 and last 4 runes
// ("13812345678" → "138****5678"); a shorter one is masked entirely.
func MaskPhone(phone string) string { return keepEnds(phone, 11, 3, 4) }

// keepEnds keeps the first head and last tail runes of s if s has at least
// min runes, replacing the rest with '*'; otherwise every rune becomes '*'.
func keepEnds(s string, min, head, tail int) string {
	r := []rune(s)
	if len(r) < min {
		return stars(len(r))
	}
	return string(r[:head]) + stars(len(r)-head-tail) + string(r[len(r)-tail:])
}

func stars(n int) string { return strings.Repeat("*", n) }
