package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"qingdan/ledger"
)

// Reads the auditors' endpoints need beyond ledger.Reader (the auditors' API).

// Checkpoint returns the stored signed checkpoint of exactly size.
func (s *LedgerStore) Checkpoint(ctx context.Context, size int64) ([]byte, error) {
	var note []byte
	row := s.db.SQLReader().QueryRowContext(ctx, s.db.Rebind(`SELECT note FROM `+s.checkpoints+` WHERE size = ?`), size)
	if err := row.Scan(&note); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: checkpoint of size %d", ledger.ErrNotFound, size)
		}
		return nil, fmt.Errorf("data: read checkpoint: %w", err)
	}
	return note, nil
}

var _ ledger.BodyReader = (*LedgerStore)(nil)

// ReadBodies calls fn with the index and exact bytes of every entry with
// start ≤ index < end, in order; body is valid only during the call. It
// reads two columns instead of a Record's five (ledger.BodyReader), which
// is what serving tlog-tiles entry bundles needs.
func (s *LedgerStore) ReadBodies(ctx context.Context, start, end int64, fn func(index int64, body []byte) error) error {
	// Not cancellable for go-sqlite3's sake (see ReadRecords); at most one
	// bundle is read per call.
	rows, err := s.db.SQLReader().QueryContext(context.WithoutCancel(ctx),
		s.db.Rebind(`SELECT idx, body FROM `+s.entries+` WHERE idx >= ? AND idx < ? ORDER BY idx`), start, end)
	if err != nil {
		return fmt.Errorf("data: read entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var body sql.RawBytes
		if err := rows.Scan(&idx, &body); err != nil {
			return fmt.Errorf("data: read entry: %w", err)
		}
		if err := fn(idx, body); err != nil {
			return err
		}
	}
	return rows.Err()
}
