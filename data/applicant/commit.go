package applicant

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
)

// commitDomain separates applicant commitments from any other SHA-256 use.
const commitDomain = "qingdan/applicant/commit/v1"

// SaltSize is the length of a salt from NewSalt.
const SaltSize = 32

// NewSalt returns SaltSize random bytes from crypto/rand for Commit. Store
// the salt with the personal data, never in the ledger; erasure deletes
// both.
func NewSalt() []byte {
	salt := make([]byte, SaltSize)
	rand.Read(salt) // never fails; crashes the program if the OS cannot supply randomness
	return salt
}

// Commit returns the commitment to an applicant's personal data that the
// ledger stores instead of the data. Normalize the applicant before
// storing and committing: Commit hashes the fields exactly as given.
//
// The commitment is SHA-256 over the concatenation of eight fields, each
// written as its length in bytes (8-byte big-endian unsigned integer)
// followed by its bytes:
//
//	"qingdan/applicant/commit/v1"  (ASCII domain tag, 27 bytes)
//	salt
//	Type, Name, IDType, IDNumber, Phone, Address  (UTF-8, in this order)
//
// For example an empty salt and empty fields hash the 27-byte tag's
// length and bytes followed by seven zero lengths. An auditor holding the
// personal data and the salt can recompute it; without the salt (a random
// 32-byte value) it cannot be brute-forced from guessed ID or phone
// numbers, and once data and salt are erased it links to no one.
func Commit(a Applicant, salt []byte) [32]byte {
	h := sha256.New()
	for _, f := range [][]byte{
		[]byte(commitDomain), salt,
		[]byte(a.Type), []byte(a.Name), []byte(a.IDType),
		[]byte(a.IDNumber), []byte(a.Phone), []byte(a.Address),
	} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(f))))
		h.Write(f)
	}
	return [32]byte(h.Sum(nil))
}
