package applicant

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// QueryCodeAlphabet is the alphabet of query codes: digits and upper-case
// letters without the easily confused 0, O, 1, I and L (31 characters).
const QueryCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// QueryCodeLength is the length of a query code (31^8 ≈ 2^39.6 codes).
const QueryCodeLength = 8

// NewQueryCode returns a random query code of QueryCodeLength characters
// from QueryCodeAlphabet, drawn uniformly with crypto/rand. Give it to the
// applicant once and store only HashQueryCode of it.
func NewQueryCode() string {
	const n = len(QueryCodeAlphabet)
	const limit = 256 - 256%n // reject bytes ≥ limit to avoid modulo bias
	code := make([]byte, 0, QueryCodeLength)
	var buf [16]byte
	for len(code) < QueryCodeLength {
		rand.Read(buf[:]) // never fails
		for _, b := range buf {
			if int(b) < limit && len(code) < QueryCodeLength {
				code = append(code, QueryCodeAlphabet[int(b)%n])
			}
		}
	}
	return string(code)
}

// HashQueryCode returns the SHA-256 of a query code after normalising it:
// full-width characters become ASCII, white space and hyphens are removed
// and letters upper-cased, so "abcd-efgh" and "ABCDEFGH" hash alike.
func HashQueryCode(code string) []byte {
	sum := sha256.Sum256([]byte(strings.ToUpper(compact(code))))
	return sum[:]
}

// CheckQueryCode reports whether code matches a hash from HashQueryCode,
// comparing in constant time.
func CheckQueryCode(hash []byte, code string) bool {
	return subtle.ConstantTimeCompare(hash, HashQueryCode(code)) == 1
}
