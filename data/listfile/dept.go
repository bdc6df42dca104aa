package listfile

import (
	"maps"
	"slices"
	"strings"
)

// deptParens replaces ASCII parentheses by the full-width ones Chinese
// names are written with.
var deptParens = strings.NewReplacer("(", "（", ")", "）")

// NormalizeDeptName returns a department name (实施主体) in a form in which
// two spellings of the same name compare equal: cleaned (CleanCell), with
// every space and line break removed and ASCII parentheses made full-width,
// so "区 经信局", " 区经信局" and "区经信局\n" are all "区经信局", and
// "区委(区政府)办" is "区委（区政府）办". It does not resolve different names
// for the same department (区税务局 and 国家税务总局…税务局); use
// DeptAliases for that.
func NormalizeDeptName(s string) string {
	return deptParens.Replace(strings.Join(strings.Fields(CleanCell(s)), ""))
}

// DeptAliases maps other names of a department to the name to use, for
// lists that spell the same department two ways, for example
//
//	DeptAliases{"广安区税务局": "国家税务总局广安市广安区税务局"}
//
// Keys and values are compared after NormalizeDeptName. One step is taken:
// an alias of an alias is not followed. An exact key wins over keys that
// only match after normalising, and among those the first in sort order. A nil DeptAliases only normalises.
type DeptAliases map[string]string

// Canonical returns the normalised name of s, replaced by its target if it
// is one of the aliases.
func (a DeptAliases) Canonical(s string) string {
	n := NormalizeDeptName(s)
	if to, ok := a[n]; ok {
		return NormalizeDeptName(to)
	}
	for _, from := range slices.Sorted(maps.Keys(a)) {
		if NormalizeDeptName(from) == n {
			return NormalizeDeptName(a[from])
		}
	}
	return n
}
