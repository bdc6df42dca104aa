package ledger

import "errors"

// Sentinel errors that callers branch on. Errors returned by this package
// wrap one of these where it applies.
var (
	// ErrNotFound: no such entry, hash or checkpoint.
	ErrNotFound = errors.New("ledger: not found")
	// ErrInvalid: an argument is out of range (index ≥ size, from > to …).
	ErrInvalid = errors.New("ledger: invalid argument")
	// ErrConflict: the store refused a write that would fork the log
	// (duplicate index or prev).
	ErrConflict = errors.New("ledger: conflict")
	// ErrNonCanonical: bytes that are not the canonical encoding of an entry.
	ErrNonCanonical = errors.New("ledger: non-canonical entry")
	// ErrTooLarge: an entry body over MaxEntrySize.
	ErrTooLarge = errors.New("ledger: entry too large")
	// ErrClosed: the log has been closed.
	ErrClosed = errors.New("ledger: closed")
	// ErrBadSignature: a checkpoint not signed by the expected key.
	ErrBadSignature = errors.New("ledger: bad checkpoint signature")
	// ErrBadProof: a proof that does not verify.
	ErrBadProof = errors.New("ledger: proof does not verify")
)
