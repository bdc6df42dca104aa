-- Witness cosignatures (C2SP tlog-cosignature/v1) on the ledger's
-- checkpoints. They are not part of the log: each is a signature line,
-- verified on arrival against a configured witness key, on the checkpoint
-- of the given size. One line per witness key and size; the first kept.
CREATE TABLE ledger_cosignatures (
    size      INTEGER NOT NULL CHECK (size > 0),
    witness   TEXT    NOT NULL,              -- the witness key's name
    key_hash  INTEGER NOT NULL,              -- with the name, identifies the key
    signed_at INTEGER NOT NULL,              -- the cosignature's timestamp (POSIX seconds)
    line      TEXT    NOT NULL,              -- the signature line as submitted
    PRIMARY KEY (size, witness, key_hash)
);
CREATE TRIGGER ledger_cosignatures_no_update BEFORE UPDATE ON ledger_cosignatures BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
CREATE TRIGGER ledger_cosignatures_no_delete BEFORE DELETE ON ledger_cosignatures BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
