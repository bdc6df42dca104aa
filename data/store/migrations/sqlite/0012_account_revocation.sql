-- Security review (issue 20, findings 13 and 14).
-- API tokens expire: expires_at is RFC 3339 UTC like created_at; tokens
-- made before this migration expire 90 days after it.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days') WHERE expires_at IS NULL;
-- sessions_since (unix milliseconds) ends every session of an account
-- started before it: a password reset or a disable sets it. It is not a
-- projection of the ledger (like password_hash) and works whatever keeps
-- the sessions (this database, or one process's memory).
ALTER TABLE users ADD COLUMN sessions_since INTEGER NOT NULL DEFAULT 0;
-- Session ids are now stored as their SHA-256: rows keyed by the raw id
-- can no longer be found, and would give a live session to whoever reads
-- a copy of the database.
DELETE FROM sessions;
