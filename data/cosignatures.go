package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qingdan/ledger"
)

// Cosignatures keeps witness cosignatures (见证签名) on the ledger's
// checkpoints. The lines it stores have been verified by the caller
// (witness.Accept); it only records and returns them.
type Cosignatures struct{ db *DB }

// NewCosignatures returns the cosignature store of db.
func NewCosignatures(db *DB) *Cosignatures { return &Cosignatures{db: db} }

// StoredCosignature is one witness's signature line on the checkpoint of
// a size.
type StoredCosignature struct {
	Size     int64
	Witness  string
	KeyHash  uint32
	SignedAt time.Time
	Line     string
}

// Add stores cosignatures; a witness key's second line for the same size
// is ignored. It reports how many were new.
func (c *Cosignatures) Add(ctx context.Context, cs []StoredCosignature) (int, error) {
	added := 0
	for _, s := range cs {
		res := c.db.Writer.WithContext(ctx).Exec(`INSERT INTO ledger_cosignatures (size, witness, key_hash, signed_at, line)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, s.Size, s.Witness, s.KeyHash, s.SignedAt.Unix(), s.Line)
		if res.Error != nil {
			return added, fmt.Errorf("data: store cosignature: %w", res.Error)
		}
		added += int(res.RowsAffected)
	}
	return added, nil
}

// Lines returns the cosignature lines on the checkpoint of size, in the
// order the witnesses' names sort.
func (c *Cosignatures) Lines(ctx context.Context, size int64) ([]string, error) {
	var lines []string
	err := c.db.Reader.WithContext(ctx).Raw(`SELECT line FROM ledger_cosignatures WHERE size = ? ORDER BY witness, key_hash`,
		size).Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("data: read cosignatures: %w", err)
	}
	return lines, nil
}

// LatestCosigned returns the largest checkpoint size with a cosignature;
// ledger.ErrNotFound when none has one.
func (c *Cosignatures) LatestCosigned(ctx context.Context) (int64, error) {
	var size *int64
	if err := c.db.Reader.WithContext(ctx).Raw(`SELECT max(size) FROM ledger_cosignatures`).Scan(&size).Error; err != nil {
		return 0, fmt.Errorf("data: read cosignatures: %w", err)
	}
	if size == nil {
		return 0, fmt.Errorf("%w: no cosigned checkpoint", ledger.ErrNotFound)
	}
	return *size, nil
}

// Checkpoint returns the stored signed checkpoint of exactly size.
func (s *LedgerStore) Checkpoint(ctx context.Context, size int64) ([]byte, error) {
	var note []byte
	row := s.db.sqlReader().QueryRowContext(ctx, s.db.rebind(`SELECT note FROM `+s.checkpoints+` WHERE size = ?`), size)
	if err := row.Scan(&note); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: checkpoint of size %d", ledger.ErrNotFound, size)
		}
		return nil, fmt.Errorf("data: read checkpoint: %w", err)
	}
	return note, nil
}

// RoleGrant is one role held in one department (or "*"), as the policy
// tables hold it.
type RoleGrant struct {
	User string `json:"user"`
	Role string `json:"role"`
	Dept string `json:"dept"`
}

// RoleGrants lists every role grant in force, sorted. The same grants are
// public in the ledger (role.granted / role.revoked entries).
func RoleGrants(ctx context.Context, db *DB) ([]RoleGrant, error) {
	out := []RoleGrant{}
	err := db.Reader.WithContext(ctx).Raw(`SELECT v0 AS user, substr(v1, 6) AS role, v2 AS dept FROM casbin_rule
		WHERE ptype = 'g' AND v1 LIKE 'role:%' ORDER BY v0, v1, v2`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("data: read role grants: %w", err)
	}
	return out, nil
}

// Grants lists every role grant in force (RoleGrants on the directory's
// database).
func (d *Directory) Grants(ctx context.Context) ([]RoleGrant, error) { return RoleGrants(ctx, d.db) }

var _ ledger.BodyReader = (*LedgerStore)(nil)

// ReadBodies calls fn with the index and exact bytes of every entry with
// start ≤ index < end, in order; body is valid only during the call. It
// reads two columns instead of a Record's five (ledger.BodyReader), which
// is what serving tlog-tiles entry bundles needs.
func (s *LedgerStore) ReadBodies(ctx context.Context, start, end int64, fn func(index int64, body []byte) error) error {
	// Not cancellable for go-sqlite3's sake (see ReadRecords); at most one
	// bundle is read per call.
	rows, err := s.db.sqlReader().QueryContext(context.WithoutCancel(ctx),
		s.db.rebind(`SELECT idx, body FROM `+s.entries+` WHERE idx >= ? AND idx < ? ORDER BY idx`), start, end)
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
