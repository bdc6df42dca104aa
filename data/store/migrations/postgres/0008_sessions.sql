-- Web sessions, shared by every replica (see sqlite/0008_sessions.sql).
CREATE TABLE sessions (
    id         text   PRIMARY KEY,
    data       bytea  NOT NULL,
    expires_at bigint NOT NULL -- unix seconds; 0: never
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
