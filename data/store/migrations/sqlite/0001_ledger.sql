-- The ledger and the security log: append-only at the database layer.
-- A fork or a gap is a loud error: the index is the primary key, and a
-- trigger accepts a row only if its prev is the leaf hash of the row just
-- before it (the zero hash for index 0). That is stronger than a UNIQUE
-- prev (it also rules out gaps and dangling links) and costs one lookup of
-- a hot page, where a UNIQUE index over random hashes dirties one random
-- page per entry and halved append throughput (docs/benchmarks.md).
CREATE TABLE ledger_entries (
    idx  INTEGER PRIMARY KEY CHECK (idx >= 0),
    prev BLOB    NOT NULL CHECK (length(prev) = 32),
    -- the tlog stored hashes this entry's append added (see ledger.Record);
    -- the first is the entry's leaf hash
    hashes BLOB  NOT NULL CHECK (length(hashes) >= 32 AND length(hashes) % 32 = 0),
    type TEXT    NOT NULL,
    body BLOB    NOT NULL
);
CREATE INDEX ledger_entries_type ON ledger_entries (type, idx);
CREATE TABLE ledger_checkpoints (
    size INTEGER PRIMARY KEY CHECK (size > 0),
    note BLOB    NOT NULL
);

CREATE TABLE seclog_entries (
    idx  INTEGER PRIMARY KEY CHECK (idx >= 0),
    prev BLOB    NOT NULL CHECK (length(prev) = 32),
    -- the tlog stored hashes this entry's append added (see ledger.Record);
    -- the first is the entry's leaf hash
    hashes BLOB  NOT NULL CHECK (length(hashes) >= 32 AND length(hashes) % 32 = 0),
    type TEXT    NOT NULL,
    body BLOB    NOT NULL
);
CREATE INDEX seclog_entries_type ON seclog_entries (type, idx);
CREATE TABLE seclog_checkpoints (
    size INTEGER PRIMARY KEY CHECK (size > 0),
    note BLOB    NOT NULL
);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER seclog_entries_no_update BEFORE UPDATE ON seclog_entries BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER seclog_entries_no_delete BEFORE DELETE ON seclog_entries BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER seclog_checkpoints_no_update BEFORE UPDATE ON seclog_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER seclog_checkpoints_no_delete BEFORE DELETE ON seclog_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_entries_chain BEFORE INSERT ON ledger_entries
WHEN NEW.prev IS NOT (CASE WHEN NEW.idx = 0 THEN zeroblob(32)
                           ELSE (SELECT substr(hashes, 1, 32) FROM ledger_entries WHERE idx = NEW.idx - 1) END)
BEGIN SELECT RAISE(ABORT, 'ledger fork: prev is not the leaf hash of the previous entry'); END;
CREATE TRIGGER seclog_entries_chain BEFORE INSERT ON seclog_entries
WHEN NEW.prev IS NOT (CASE WHEN NEW.idx = 0 THEN zeroblob(32)
                           ELSE (SELECT substr(hashes, 1, 32) FROM seclog_entries WHERE idx = NEW.idx - 1) END)
BEGIN SELECT RAISE(ABORT, 'ledger fork: prev is not the leaf hash of the previous entry'); END;
