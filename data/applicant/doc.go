// Package applicant holds an applicant's personal data (个人信息) and the
// privacy tools around it, so that the ledger never sees it (the Personal
// Information Protection Law, 个人信息保护法; docs/security.md).
//
// An Applicant is a natural person (自然人) or a legal person (法人): name,
// identity document, mobile phone and address. Normalize cleans user input
// (full-width characters, +86 prefixes, lower-case check characters) and
// Validate checks it, including the check digits of resident identity
// numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).
//
// The personal data lives in its own table. The ledger stores only:
//
//   - Commit: a salted SHA-256 commitment to the personal data. Erasure
//     deletes the personal data and its salt; the commitment, and every
//     ledger hash over it, stays valid but can no longer be linked to a
//     person.
//   - MaskName: a display name (张*; a legal person's registered name is
//     public and shown unchanged).
//
// MaskID and MaskPhone give masked forms for staff screens; no public page
// or API response may contain a full ID or phone number.
//
// NewQueryCode issues the query code an applicant uses, with the
// application number, to follow progress; only its HashQueryCode is stored
// and CheckQueryCode compares in constant time.
//
// The package uses the standard library only.
package applicant
