-- Witness cosignatures (C2SP tlog-cosignature/v1) on the ledger's
-- checkpoints (see sqlite/0009_cosignatures.sql). Append-only.
CREATE TABLE ledger_cosignatures (
    size      bigint NOT NULL CHECK (size > 0),
    witness   text   NOT NULL,  -- the witness key's name
    key_hash  bigint NOT NULL,  -- with the name, identifies the key
    signed_at bigint NOT NULL,  -- the cosignature's timestamp (POSIX seconds)
    line      text   NOT NULL,  -- the signature line as submitted
    PRIMARY KEY (size, witness, key_hash)
);
CREATE TRIGGER ledger_cosignatures_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_cosignatures
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();
