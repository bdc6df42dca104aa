package applications

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"qingdan/data/store"
)

// MaxMaterialSize bounds one uploaded material.
const MaxMaterialSize = 10 << 20

// ErrQuota: an upload over a quota (per address, or of all uploads not
// yet named by an application); web answers 429.
var ErrQuota = errors.New("upload quota exceeded")

// Material refers to an uploaded file by its SHA-256.
type MaterialRef struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // hex
}

// MaterialQuota bounds what anonymous uploads may hold (docs/security.md). The zero value of a field takes its default.
type MaterialQuota struct {
	// TTL is how long an upload waits for a submission to name it; after
	// that it is collected (default 24 h).
	TTL time.Duration
	// PerAddressBytes and PerAddressFiles bound one client network's
	// uploads per Window (defaults 200 MiB and 100 files in an hour).
	PerAddressBytes int64
	PerAddressFiles int64
	Window          time.Duration
	// UnattachedBytes bounds all uploads not yet named by an application
	// (default 4 GiB).
	UnattachedBytes int64
}

// withDefaults fills the zero fields.
func (q MaterialQuota) withDefaults() MaterialQuota {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&q.PerAddressBytes, 200<<20)
	def(&q.PerAddressFiles, 100)
	def(&q.UnattachedBytes, 4<<30)
	if q.TTL <= 0 {
		q.TTL = 24 * time.Hour
	}
	if q.Window <= 0 {
		q.Window = time.Hour
	}
	return q
}

// materialSubmitMargin: a submission may name an upload only while it has
// at least this long before it expires, so that collection never removes
// a material between the submission's check and its commit.
const materialSubmitMargin = 5 * time.Minute

// MaterialTypes are the file types accepted, by their content (a
// material is shown to staff): PDF, JPEG, PNG, and OFD (a zip package).
var MaterialTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true, "application/zip": true}

// CheckMaterialType refuses a file whose first bytes are none of
// MaterialTypes.
func CheckMaterialType(head []byte) error {
	if !MaterialTypes[http.DetectContentType(head)] {
		return &store.ValidationError{Fields: map[string]string{"file": "must be a PDF, JPEG, PNG or OFD file"}}
	}
	return nil
}

// CheckMaterialQuota refuses, before it is received, an upload of size
// bytes from uploader that would pass a quota.
func (a *Approvals) CheckMaterialQuota(ctx context.Context, uploader string, size int64, q MaterialQuota) error {
	return a.checkQuota(ctx, a.db.SQLReader(), uploader, size, q.withDefaults())
}

func (a *Approvals) checkQuota(ctx context.Context, db store.Querier, uploader string, size int64, q MaterialQuota) error {
	now := a.now().UTC()
	var files, bytes, unattached int64
	err := db.QueryRowContext(ctx, a.db.Rebind(`SELECT count(*), COALESCE(SUM(size), 0) FROM materials WHERE uploader = ? AND uploaded_at > ?`),
		uploader, now.Add(-q.Window).Unix()).Scan(&files, &bytes)
	if err != nil {
		return fmt.Errorf("data: material quota: %w", err)
	}
	if files+1 > q.PerAddressFiles || bytes+size > q.PerAddressBytes {
		return fmt.Errorf("%w: at most %d files and %d MiB per address in %s; try again later", ErrQuota,
			q.PerAddressFiles, q.PerAddressBytes>>20, q.Window)
	}
	err = db.QueryRowContext(ctx, a.db.Rebind(`SELECT COALESCE(SUM(size), 0) FROM materials m WHERE expires_at >= ?
		AND NOT EXISTS (SELECT 1 FROM application_materials am WHERE am.sha256 = m.sha256)`), now.Unix()).Scan(&unattached)
	if err != nil {
		return fmt.Errorf("data: material quota: %w", err)
	}
	if unattached+size > q.UnattachedBytes {
		return fmt.Errorf("%w: the server holds as many uploads waiting for an application as it takes; try again later", ErrQuota)
	}
	return nil
}

// StoreMaterial keeps an uploaded file under its SHA-256 and returns the
// hash (storing the same file twice keeps one copy, and gives it the
// later expiry). uploader is the client's network (an IPv4 address or an
// IPv6 /64), counted against q; it is kept for the quota window only
// (CollectMaterials clears it). The file must be named by a submission
// within q.TTL, or it is collected.
func (a *Approvals) StoreMaterial(ctx context.Context, content []byte, uploader string, q MaterialQuota) (string, error) {
	if len(content) == 0 || len(content) > MaxMaterialSize {
		return "", &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf("must be 1 byte to %d MiB", MaxMaterialSize>>20)}}
	}
	if err := CheckMaterialType(content[:min(len(content), 512)]); err != nil {
		return "", err
	}
	q = q.withDefaults()
	sum := sha256.Sum256(content)
	now := a.now().UTC()
	// database/sql directly: GORM would expand a []byte argument here.
	tx, err := a.db.SQLWriter().BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("data: store material: %w", err)
	}
	defer tx.Rollback()
	if err := a.checkQuota(ctx, tx, uploader, int64(len(content)), q); err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, a.db.Rebind(`INSERT INTO materials (sha256, size, content, created_at, uploaded_at, expires_at, uploader)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (sha256) DO UPDATE SET expires_at = CASE WHEN excluded.expires_at > materials.expires_at
		THEN excluded.expires_at ELSE materials.expires_at END`),
		sum[:], len(content), content, now.Format(time.RFC3339), now.Unix(), now.Add(q.TTL).Unix(), uploader)
	if err != nil {
		return "", fmt.Errorf("data: store material: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("data: store material: %w", err)
	}
	return hex.EncodeToString(sum[:]), nil
}

// CollectMaterials deletes the uploads that no application names and
// whose time has run out, and forgets the uploader of those older than
// window (the quota's; 0: an hour). It answers how many files it deleted
// and their bytes.
func (a *Approvals) CollectMaterials(ctx context.Context, window time.Duration) (files, bytes int64, err error) {
	if window <= 0 {
		window = time.Hour
	}
	now := a.now().UTC()
	w := a.db.SQLWriter()
	const unattached = `expires_at < ? AND NOT EXISTS (SELECT 1 FROM application_materials am WHERE am.sha256 = materials.sha256)`
	if err := w.QueryRowContext(ctx, a.db.Rebind(`SELECT count(*), COALESCE(SUM(size), 0) FROM materials WHERE `+unattached),
		now.Unix()).Scan(&files, &bytes); err != nil {
		return 0, 0, fmt.Errorf("data: collect materials: %w", err)
	}
	if _, err := w.ExecContext(ctx, a.db.Rebind(`DELETE FROM materials WHERE `+unattached), now.Unix()); err != nil {
		return 0, 0, fmt.Errorf("data: collect materials: %w", err)
	}
	if _, err := w.ExecContext(ctx, a.db.Rebind(`UPDATE materials SET uploader = NULL WHERE uploader IS NOT NULL AND uploaded_at <= ?`),
		now.Add(-window).Unix()); err != nil {
		return 0, 0, fmt.Errorf("data: collect materials: %w", err)
	}
	return files, bytes, nil
}

// checkMaterials verifies every referenced material was uploaded and is
// either named by an application already or has time left
// (materialSubmitMargin) before it is collected.
func (a *Approvals) checkMaterials(ctx context.Context, refs []MaterialRef) ([]string, error) {
	hashes := make([]string, len(refs))
	for i, m := range refs {
		raw, err := hex.DecodeString(m.SHA256)
		var n int64
		if err == nil && len(raw) == sha256.Size {
			err = a.db.Reader.WithContext(ctx).Raw(`SELECT count(*) FROM materials m WHERE sha256 = ? AND (expires_at >= ?
				OR EXISTS (SELECT 1 FROM application_materials am WHERE am.sha256 = m.sha256))`,
				raw, a.now().Add(materialSubmitMargin).Unix()).Scan(&n).Error
		}
		if err != nil || n == 0 || m.Name == "" {
			return nil, &store.ValidationError{Fields: map[string]string{fmt.Sprintf("materials[%d]", i): "name it and upload the file first (POST /api/v1/materials); an upload waits a day for its application"}}
		}
		hashes[i] = m.SHA256
	}
	return hashes, nil
}
