package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"qingdan/data/store"
)

// Sessions keeps web sessions in the sessions table, so that a session
// started on one replica is known to every other and survives a restart.
// It has the method set of fiber.Storage (the session middleware's
// storage). Session data are opaque bytes; they never enter the ledger.
// A session id is stored as its SHA-256 (sessionKey), so that a copy of
// the database gives no live session (docs/security.md).
type Sessions struct {
	db        *store.DB
	lastSweep atomic.Int64 // unix seconds of the last removal of expired rows
}

// NewSessions returns the session storage over db.
func NewSessions(db *store.DB) *Sessions { return &Sessions{db: db} }

// sessionTimeout bounds each storage call (the middleware passes no
// context).
const sessionTimeout = 5 * time.Second

// sweepEvery is how often Set also removes expired sessions.
const sweepEvery = int64(60)

// sessionKey is how a session id is stored: the hex SHA-256 of the id.
func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func sessionCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), sessionTimeout)
}

// Get returns the data of a live session, or nil when there is none.
func (s *Sessions) Get(id string) ([]byte, error) {
	if id == "" {
		return nil, nil
	}
	ctx, cancel := sessionCtx()
	defer cancel()
	var data []byte
	err := s.db.SQLReader().QueryRowContext(ctx, s.db.Rebind(`SELECT data FROM sessions WHERE id = ? AND (expires_at = 0 OR expires_at > ?)`),
		sessionKey(id), time.Now().Unix()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("data: read session: %w", err)
	}
	return data, nil
}

// Set stores a session's data for exp (0: no expiry).
func (s *Sessions) Set(id string, data []byte, exp time.Duration) error {
	if id == "" || len(data) == 0 {
		return nil
	}
	ctx, cancel := sessionCtx()
	defer cancel()
	var expires int64
	if exp > 0 {
		expires = time.Now().Add(exp).Unix()
	}
	_, err := s.db.SQLWriter().ExecContext(ctx, s.db.Rebind(`INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`), sessionKey(id), data, expires)
	if err != nil {
		return fmt.Errorf("data: save session: %w", err)
	}
	s.sweep(ctx)
	return nil
}

// sweep removes expired sessions, at most once a minute per process.
func (s *Sessions) sweep(ctx context.Context) {
	now := time.Now().Unix()
	last := s.lastSweep.Load()
	if now-last < sweepEvery || !s.lastSweep.CompareAndSwap(last, now) {
		return
	}
	s.db.SQLWriter().ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE expires_at > 0 AND expires_at <= ?`), now)
}

// Delete ends a session.
func (s *Sessions) Delete(id string) error {
	ctx, cancel := sessionCtx()
	defer cancel()
	_, err := s.db.SQLWriter().ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE id = ?`), sessionKey(id))
	if err != nil {
		return fmt.Errorf("data: delete session: %w", err)
	}
	return nil
}

// Reset ends every session.
func (s *Sessions) Reset() error {
	ctx, cancel := sessionCtx()
	defer cancel()
	_, err := s.db.SQLWriter().ExecContext(ctx, `DELETE FROM sessions`)
	return err
}

// Close does nothing: the database belongs to its opener.
func (s *Sessions) Close() error { return nil }
