-- Security review (issue 20): see sqlite/0012_account_revocation.sql.
ALTER TABLE api_tokens ADD COLUMN expires_at text;
UPDATE api_tokens SET expires_at = to_char((now() AT TIME ZONE 'UTC') + interval '90 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') WHERE expires_at IS NULL;
ALTER TABLE users ADD COLUMN sessions_since bigint NOT NULL DEFAULT 0;
DELETE FROM sessions;
