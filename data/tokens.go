package data

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"
)

// Token is an API token's record; the token itself is never stored.
type Token struct {
	ID        int64  `json:"id"`
	Label     string `json:"label"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// AddToken stores the hash of a new token for username.
func (d *Directory) AddToken(ctx context.Context, username, label, token string) (int64, error) {
	res := d.db.Writer.WithContext(ctx).Exec(`INSERT INTO api_tokens (username, token_hash, label, created_at) VALUES (?,?,?,?)`,
		username, tokenHash(token), label, time.Now().UTC().Format(time.RFC3339))
	if res.Error != nil {
		return 0, res.Error
	}
	var id int64
	err := d.db.Writer.WithContext(ctx).Raw(`SELECT id FROM api_tokens WHERE token_hash = ?`, tokenHash(token)).Scan(&id).Error
	return id, err
}

// TokenOwner returns the user of a live token; ErrNotFound otherwise.
func (d *Directory) TokenOwner(ctx context.Context, token string) (string, error) {
	var user string
	res := d.db.Reader.WithContext(ctx).Raw(`SELECT username FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash(token)).Scan(&user)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", fmt.Errorf("%w: token", ErrNotFound)
	}
	return user, nil
}

// RevokeToken revokes one of username's tokens.
func (d *Directory) RevokeToken(ctx context.Context, username string, id int64) error {
	res := d.db.Writer.WithContext(ctx).Exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND username = ? AND revoked_at IS NULL`,
		time.Now().UTC().Format(time.RFC3339), id, username)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%w: token %d", ErrNotFound, id)
	}
	return nil
}

// ActiveUser returns the user if it exists and is active; ErrNotFound
// otherwise (a disabled user's sessions and tokens stop at once).
func (d *Directory) ActiveUser(ctx context.Context, username string) (*User, error) {
	u, err := userRow(d.db.Reader.WithContext(ctx), username)
	if err != nil {
		return nil, err
	}
	if u == nil || u.Status != UserActive {
		return nil, fmt.Errorf("%w: active user %s", ErrNotFound, username)
	}
	return u, nil
}

// SetUserStatus records user.disabled or user.enabled.
func (d *Directory) SetUserStatus(ctx context.Context, actor, username string, active bool) (*Receipt, error) {
	typ := "user.disabled"
	if active {
		typ = "user.enabled"
	}
	app, err := d.log.Append(ctx, ledgerEvent(typ, actor, "", UserEvent{Username: username}))
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}
