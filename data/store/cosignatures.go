package store

import (
	"context"
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
