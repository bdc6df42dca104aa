-- Web sessions (fiber's session data, gob-encoded), in the database so
-- that a session works on whichever replica a request reaches and
-- survives a restart. Not a projection: sessions never enter the ledger.
CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    data       BLOB    NOT NULL,
    expires_at INTEGER NOT NULL -- unix seconds; 0: never
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
