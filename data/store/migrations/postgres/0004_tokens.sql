-- API tokens for systems: stored as SHA-256 of the token, shown once.
CREATE TABLE api_tokens (
    id         bigserial PRIMARY KEY,
    username   text      NOT NULL REFERENCES users (username),
    token_hash bytea     NOT NULL UNIQUE,
    label      text      NOT NULL,
    created_at text      NOT NULL,
    revoked_at text
);
CREATE INDEX api_tokens_user ON api_tokens (username);
