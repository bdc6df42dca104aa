package ledger

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"
)

// Record is an entry as stored: its index, the prev and leaf hashes (kept
// beside the body so that the store can refuse forks and gaps), the Merkle
// hashes its append stored, the event type (for filtering) and the exact
// body bytes.
type Record struct {
	Index int64
	Prev  tlog.Hash
	Leaf  tlog.Hash
	// Hashes are the tlog stored hashes added with this entry, at storage
	// indexes tlog.StoredHashIndex(0, Index) onward: the leaf hash, then
	// the subtree roots it completes. Keeping them in the entry's row means
	// one row per entry to write and one pass to verify.
	Hashes []tlog.Hash
	Type   string
	Body   []byte
}

// StoredHashLocation returns the entry whose append stored the hash at
// tlog storage index x, and x's position in that entry's Hashes.
func StoredHashLocation(x int64) (entry int64, pos int) {
	level, n := tlog.SplitStoredHashIndex(x)
	entry = (n+1)<<level - 1
	return entry, int(x - tlog.StoredHashIndex(0, entry))
}

// SignedCheckpoint is a stored checkpoint: its tree size and signed note.
type SignedCheckpoint struct {
	Size int64
	Note []byte
}

// Reader reads a stored log. Implementations are safe for concurrent use and
// read only committed data.
type Reader interface {
	// ReadHashes returns the stored hashes (tlog storage indexes) in order;
	// ErrNotFound if any is missing.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// ReadRecords calls fn for each record with start ≤ index < end, in
	// index order, as stored (a missing or extra row is passed on as is, so
	// that verification can see it). end < 0 means to the last record.
	ReadRecords(ctx context.Context, start, end int64, fn func(Record) error) error
	// LatestCheckpoint returns the checkpoint with the largest size;
	// ErrNotFound when the log is empty.
	LatestCheckpoint(ctx context.Context) (SignedCheckpoint, error)
	// ReadCheckpoints calls fn for every stored checkpoint by ascending size.
	ReadCheckpoints(ctx context.Context, fn func(SignedCheckpoint) error) error
}

// Store is what the log needs from a database.
type Store interface {
	Reader
	// Begin opens the write transaction of one batch. The store guarantees
	// that at most one batch transaction of this log is open at a time
	// across every process sharing the database (SQLite: an immediate
	// transaction; PostgreSQL: a row lock on the log's head row).
	Begin(ctx context.Context) (Tx, error)
}

// Tx is one batch's write transaction. Nothing it writes is visible to
// readers before Commit; after Rollback nothing of it remains.
type Tx interface {
	// Last returns the last committed record and the log size; ok is false
	// for an empty log.
	Last(ctx context.Context) (rec Record, size int64, ok bool, err error)
	// ReadHashes is Reader.ReadHashes inside the transaction.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// AddRecords appends records with their stored hashes; a duplicate
	// index, a gap or a prev that is not the previous leaf is ErrConflict.
	AddRecords(ctx context.Context, recs []Record) error
	// AddCheckpoint stores a signed checkpoint.
	AddCheckpoint(ctx context.Context, c SignedCheckpoint) error
	// Savepoint, RollbackTo and Release bracket one projection, so that a
	// failing projection undoes only its own writes.
	Savepoint(ctx context.Context, name string) error
	RollbackTo(ctx context.Context, name string) error
	Release(ctx context.Context, name string) error
	Commit() error
	Rollback() error
}
