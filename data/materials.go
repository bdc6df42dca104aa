package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// MaxMaterialSize bounds one uploaded material.
const MaxMaterialSize = 10 << 20

// Material refers to an uploaded file by its SHA-256.
type MaterialRef struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // hex
}

// StoreMaterial keeps an uploaded file under its SHA-256 and returns the
// hash (storing the same file twice keeps one copy).
func (a *Approvals) StoreMaterial(ctx context.Context, content []byte) (string, error) {
	if len(content) == 0 || len(content) > MaxMaterialSize {
		return "", &ValidationError{Fields: map[string]string{"file": fmt.Sprintf("must be 1 byte to %d MiB", MaxMaterialSize>>20)}}
	}
	sum := sha256.Sum256(content)
	// database/sql directly: GORM would expand a []byte argument here.
	_, err := a.db.sqlWriter().ExecContext(ctx, a.db.rebind(`INSERT INTO materials (sha256, size, content, created_at) VALUES (?,?,?,?)
		ON CONFLICT (sha256) DO NOTHING`), sum[:], len(content), content, time.Now().UTC().Format(time.RFC3339))
	return hex.EncodeToString(sum[:]), err
}

// checkMaterials verifies every referenced material was uploaded.
func (a *Approvals) checkMaterials(ctx context.Context, refs []MaterialRef) ([]string, error) {
	hashes := make([]string, len(refs))
	for i, m := range refs {
		raw, err := hex.DecodeString(m.SHA256)
		var n int64
		if err == nil && len(raw) == sha256.Size {
			err = a.db.Reader.WithContext(ctx).Raw(`SELECT count(*) FROM materials WHERE sha256 = ?`, raw).Scan(&n).Error
		}
		if err != nil || n == 0 || m.Name == "" {
			return nil, &ValidationError{Fields: map[string]string{fmt.Sprintf("materials[%d]", i): "name it and upload the file first (POST /api/v1/materials)"}}
		}
		hashes[i] = m.SHA256
	}
	return hashes, nil
}
