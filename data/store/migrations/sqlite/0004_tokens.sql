-- API tokens for systems: stored as SHA-256 of the token, shown once.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    username   TEXT    NOT NULL REFERENCES users (username),
    token_hash BLOB    NOT NULL UNIQUE,
    label      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (username);
