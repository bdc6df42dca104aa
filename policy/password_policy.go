package policy

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// MinPasswordLen is the minimum length, in characters, of a chosen password.
const MinPasswordLen = 10

// MinDistinctChars is the least number of different characters a chosen
// password has (variety: "bbbbbbbbbb" and "ababababab" are refused).
const MinDistinctChars = 5

// Password policy errors. Each of the specific errors also matches
// ErrWeakPassword with errors.Is, so callers may branch on either.
var (
	// ErrWeakPassword: the chosen password breaks the password policy.
	ErrWeakPassword = errors.New("policy: weak password")
	// ErrPasswordTooShort: fewer than MinPasswordLen characters.
	ErrPasswordTooShort = fmt.Errorf("%w: shorter than %d characters", ErrWeakPassword, MinPasswordLen)
	// ErrPasswordTooLong: more than MaxPasswordBytes bytes.
	ErrPasswordTooLong = fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, MaxPasswordBytes)
	// ErrPasswordHasUsername: the password contains the username.
	ErrPasswordHasUsername = fmt.Errorf("%w: contains the username", ErrWeakPassword)
	// ErrPasswordMonotonous: too few distinct characters, or blanks only
	// (security review, issue 20: "bbbbbbbbbb", ten spaces).
	ErrPasswordMonotonous = fmt.Errorf("%w: fewer than %d different characters, or only blanks", ErrWeakPassword, MinDistinctChars)
	// ErrPasswordCommon: the password is on the list of common passwords.
	ErrPasswordCommon = fmt.Errorf("%w: one of the most common passwords", ErrWeakPassword)
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded list as a set of lower-case entries,
// built once and never changed.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{})
	for line := range strings.Lines(commonPasswordsText) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// CheckPasswordPolicy reports whether password may be chosen by username:
// at least MinPasswordLen characters (runes, so 10 Chinese characters
// count as 10), at most MaxPasswordBytes bytes, not containing the username
// (case-insensitively), and not on the embedded list of common passwords
// (case-insensitively), with at least MinDistinctChars different
// characters and not only blanks. The error is one of the ErrPassword… sentinels.
//
// It applies to passwords that people choose (user creation, password
// change, reset). Demo seeding bypasses it on purpose: the demo password
// "qingdan-demo" is documented and public, never a real credential.
func CheckPasswordPolicy(username, password string) error {
	lower := strings.ToLower(password)
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return ErrPasswordTooShort
	case len(password) > MaxPasswordBytes:
		return ErrPasswordTooLong
	case username != "" && strings.Contains(lower, strings.ToLower(username)):
		return ErrPasswordHasUsername
	case monotonous(password):
		return ErrPasswordMonotonous
	case isCommonPassword(lower):
		return ErrPasswordCommon
	}
	return nil
}

// monotonous: fewer than MinDistinctChars different characters, or
// nothing but white space.
func monotonous(password string) bool {
	if strings.TrimSpace(password) == "" {
		return true
	}
	seen := map[rune]bool{}
	for _, r := range password {
		seen[r] = true
	}
	return len(seen) < MinDistinctChars
}

func isCommonPassword(lower string) bool {
	_, ok := commonPasswords()[lower]
	return ok
}
