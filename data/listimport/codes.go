package listimport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// MaxCodeLen is the longest item code the lists accept.
const MaxCodeLen = 36

var (
	validCode    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$`)
	longCode     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	divisionCode = regexp.MustCompile(`^[0-9]{12}$`)
	deptCodeRe   = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,15}$`)
)

// maxBasicLen leaves room for "-" and the 12-digit hash.
const maxBasicLen = MaxCodeLen - 1 - 12

// hashHex returns the first n hex digits of the SHA-256 of s.
func hashHex(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:n]
}

// ShortenCode returns the list code for a code as a file writes it (spaces
// removed): the code itself if the lists accept it, else, for a longer code
// of the same characters, its basic code + "-" + 12 hex digits of its
// SHA-256 (see the package documentation). shortened reports the second
// case. A code with other characters is an error.
func ShortenCode(fileCode string) (code string, shortened bool, err error) {
	c := strings.Join(strings.Fields(fileCode), "")
	switch {
	case validCode.MatchString(c):
		return c, false, nil
	case !longCode.MatchString(c):
		return "", false, fmt.Errorf("%q has characters other than ASCII letters, digits, '.', '_' and '-'", fileCode)
	}
	segs := strings.Split(c, "-")
	basic := segs[0]
	for i := 1; i < len(segs); i++ {
		if divisionCode.MatchString(segs[i]) {
			basic = strings.Join(segs[:i], "-")
			break
		}
	}
	if len(basic) > maxBasicLen {
		basic = basic[:maxBasicLen]
	}
	return basic + "-" + hashHex(c, 12), true, nil
}

// derivedCode is the code of a row without one.
func derivedCode(category, dept, name, subitem string) string {
	return category + "-" + dept + "-" + hashHex(name+"\x1f"+subitem, 10)
}

// deptCodeFor returns a code for a new department that is not in taken.
func deptCodeFor(normName string, taken func(string) bool) string {
	for n := 8; n <= 15; n++ {
		if c := "d" + hashHex(normName, n); !taken(c) {
			return c
		}
	}
	return "d" + hashHex(normName, 15) // cannot happen short of 2^60 departments
}
