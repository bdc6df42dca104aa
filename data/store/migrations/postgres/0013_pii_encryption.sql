-- Personal data at rest (issue 20): each applicant's record is sealed
-- with XChaCha20-Poly1305 under a data key; data keys are stored wrapped
-- by the master key kept outside the database (<data>/pii.key). See
-- data/pii.go and docs/operations.md, "Personal data key".
CREATE TABLE pii_keys (
    id         text PRIMARY KEY,
    purpose    text NOT NULL, -- 'data' (seals records) or 'lookup' (keyed hashes)
    master_id  text NOT NULL, -- the master key that wraps it
    wrapped    bytea NOT NULL, -- nonce || AEAD(master, key)
    created_at text NOT NULL
);
-- key_id = '' marks a row still in plain text (written before 0013);
-- sealed = nonce || AEAD(data key, {salt, applicant, summary, withdrawal
-- reason}); phone_mac = HMAC-SHA-256 of the normalised phone under the
-- lookup key. A sealed row keeps salt = '\x' and personal = ''.
ALTER TABLE applicants ADD COLUMN key_id text NOT NULL DEFAULT '';
ALTER TABLE applicants ADD COLUMN sealed bytea;
ALTER TABLE applicants ADD COLUMN phone_mac bytea;
CREATE INDEX applicants_phone_mac ON applicants (phone_mac);
-- A one-time step in Go (data.PII.SealPlaintext) seals the rows written
-- before this migration and then wipes the database's free space; this
-- row says it is still to do, and goes when it is done.
CREATE TABLE pii_upgrade (step text PRIMARY KEY);
INSERT INTO pii_upgrade (step) VALUES ('seal');
