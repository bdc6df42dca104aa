package identity

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"gorm.io/gorm"

	"qingdan/data/lists"
	"qingdan/data/store"
	"qingdan/ledger"
)

// Token is an API token's record; the token itself is never stored.
type Token struct {
	ID        int64  `json:"id"`
	Label     string `json:"label"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

// MaxTokenLabel bounds a token's label, in bytes (security review, issue
// 20: the label enters the security log).
const MaxTokenLabel = 200

// tokenTime is how token times are stored (RFC 3339 UTC, to the second;
// stored times compare as strings).
func tokenTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// AddToken stores the hash of a new token for username, live until
// expires. The label must be valid UTF-8 of at most MaxTokenLabel bytes
// without control or bidirectional-override characters.
func (d *Directory) AddToken(ctx context.Context, username, label, token string, expires time.Time) (int64, error) {
	if len(label) > MaxTokenLabel {
		return 0, &store.ValidationError{Fields: map[string]string{"label": fmt.Sprintf("must be at most %d bytes", MaxTokenLabel)}}
	}
	if err := lists.CheckNames(map[string]any{"label": label}); err != nil {
		return 0, err
	}
	res := d.db.Writer.WithContext(ctx).Exec(`INSERT INTO api_tokens (username, token_hash, label, created_at, expires_at) VALUES (?,?,?,?,?)`,
		username, tokenHash(token), label, tokenTime(time.Now()), tokenTime(expires))
	if res.Error != nil {
		return 0, res.Error
	}
	var id int64
	err := d.db.Writer.WithContext(ctx).Raw(`SELECT id FROM api_tokens WHERE token_hash = ?`, tokenHash(token)).Scan(&id).Error
	return id, err
}

// TokenOwner returns the user of a live token (not revoked, not
// expired); ErrNotFound otherwise.
func (d *Directory) TokenOwner(ctx context.Context, token string) (string, error) {
	var user string
	res := d.db.Reader.WithContext(ctx).Raw(`SELECT username FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL
		AND expires_at IS NOT NULL AND expires_at > ?`, tokenHash(token), tokenTime(time.Now())).Scan(&user)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", fmt.Errorf("%w: token", store.ErrNotFound)
	}
	return user, nil
}

// RevokeToken revokes one of username's tokens.
func (d *Directory) RevokeToken(ctx context.Context, username string, id int64) error {
	res := d.db.Writer.WithContext(ctx).Exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND username = ? AND revoked_at IS NULL`,
		tokenTime(time.Now()), id, username)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%w: token %d", store.ErrNotFound, id)
	}
	return nil
}

// ActiveUser returns the user if it exists and is active; ErrNotFound
// otherwise (a disabled user's sessions and tokens stop at once).
func (d *Directory) ActiveUser(ctx context.Context, username string) (*User, error) {
	var u User
	res := d.db.Reader.WithContext(ctx).Raw(`SELECT username, display_name, dept, status, sessions_since FROM users WHERE username = ?`, username).Scan(&u)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 || u.Status != UserActive {
		return nil, fmt.Errorf("%w: active user %s", store.ErrNotFound, username)
	}
	return &u, nil
}

// SetUserStatus records user.disabled or user.enabled. check, if set,
// runs in the append transaction with the account's current grants and
// may refuse (who may act on which account is the caller's policy).
// Disabling also ends every session and token of the account
// (revokeAccess), so that enabling it again revives none of them.
func (d *Directory) SetUserStatus(ctx context.Context, actor, username string, active bool, check func(current []Grant) error) (*Receipt, error) {
	typ := "user.disabled"
	if active {
		typ = "user.enabled"
	}
	ev := ledgerEvent(typ, actor, "", UserEvent{Username: username})
	ev.Project = d.accountAct(username, check, ev.Project, func(g *gorm.DB) error {
		if active {
			return nil
		}
		return revokeAccess(g, username)
	})
	app, err := d.log.Append(ctx, ev)
	if err != nil {
		return nil, err
	}
	return app.Receipt, nil
}

// projectFunc is the type of ledger.Event.Project.
type projectFunc = func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error

// accountAct is the projection of an act on an account: check (if set)
// with the account's grants, then project, then also in the same
// transaction.
func (d *Directory) accountAct(username string, check func([]Grant) error, project projectFunc,
	also func(g *gorm.DB) error) projectFunc {
	return func(ctx context.Context, tx ledger.Tx, e *ledger.Entry) error {
		g := store.GormTx(tx).WithContext(ctx)
		if check != nil {
			current, err := d.GrantsOf(ctx, g, username)
			if err != nil {
				return err
			}
			if err := check(current); err != nil {
				return err
			}
		}
		if err := project(ctx, tx, e); err != nil {
			return err
		}
		return also(g)
	}
}

// revokeAccess ends every session of username (sessions started before now
// are refused: see User.SessionsSince) and revokes every live token.
func revokeAccess(g *gorm.DB, username string) error {
	now := time.Now()
	if err := g.Exec(`UPDATE users SET sessions_since = ? WHERE username = ?`, now.UnixMilli(), username).Error; err != nil {
		return err
	}
	return g.Exec(`UPDATE api_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL`, tokenTime(now), username).Error
}
