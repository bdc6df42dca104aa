-- The ledger and the security log: append-only at the database layer
-- (PostgreSQL dialect of sqlite/0001_ledger.sql; the stored bytes are the
-- same, so an entry re-hashes identically on both backends).
--
-- Appends of one log are serialised by locking that log's row in
-- ledger_head (SELECT … FOR UPDATE, READ COMMITTED): a row that is never
-- updated or deleted, never "the last entry", which two writers could both
-- read as last and fork from. Behind the lock, the primary key refuses a
-- duplicate index, UNIQUE prev refuses a second child of one entry (a
-- fork), and the chain trigger refuses a prev that is not the leaf hash of
-- the entry just before (a gap or a dangling link).
CREATE TABLE ledger_head (
    log text PRIMARY KEY
);
INSERT INTO ledger_head (log) VALUES ('ledger'), ('seclog');

CREATE TABLE ledger_entries (
    idx    bigint PRIMARY KEY CHECK (idx >= 0),
    prev   bytea  NOT NULL UNIQUE CHECK (length(prev) = 32),
    -- the tlog stored hashes this entry's append added (see ledger.Record);
    -- the first is the entry's leaf hash
    hashes bytea  NOT NULL CHECK (length(hashes) >= 32 AND length(hashes) % 32 = 0),
    type   text   NOT NULL,
    body   bytea  NOT NULL
);
CREATE INDEX ledger_entries_type ON ledger_entries (type, idx);
CREATE TABLE ledger_checkpoints (
    size bigint PRIMARY KEY CHECK (size > 0),
    note bytea  NOT NULL
);

CREATE TABLE seclog_entries (
    idx    bigint PRIMARY KEY CHECK (idx >= 0),
    prev   bytea  NOT NULL UNIQUE CHECK (length(prev) = 32),
    hashes bytea  NOT NULL CHECK (length(hashes) >= 32 AND length(hashes) % 32 = 0),
    type   text   NOT NULL,
    body   bytea  NOT NULL
);
CREATE INDEX seclog_entries_type ON seclog_entries (type, idx);
CREATE TABLE seclog_checkpoints (
    size bigint PRIMARY KEY CHECK (size > 0),
    note bytea  NOT NULL
);

-- Any UPDATE, DELETE or TRUNCATE of a ledger table is refused, whatever
-- role runs it (the table owner included). docs/postgres.md also revokes
-- those privileges from the application's role.
CREATE FUNCTION qingdan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- The chain check, one function per table so that its query is planned
-- once per connection.
CREATE FUNCTION ledger_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    want bytea;
BEGIN
    IF NEW.idx = 0 THEN
        want := decode(repeat('00', 32), 'hex');
    ELSE
        SELECT substring(hashes FROM 1 FOR 32) INTO want FROM ledger_entries WHERE idx = NEW.idx - 1;
    END IF;
    IF want IS NULL OR NEW.prev IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'ledger fork: prev of entry % is not the leaf hash of the previous entry', NEW.idx
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION seclog_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    want bytea;
BEGIN
    IF NEW.idx = 0 THEN
        want := decode(repeat('00', 32), 'hex');
    ELSE
        SELECT substring(hashes FROM 1 FOR 32) INTO want FROM seclog_entries WHERE idx = NEW.idx - 1;
    END IF;
    IF want IS NULL OR NEW.prev IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'security log fork: prev of entry % is not the leaf hash of the previous entry', NEW.idx
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();
CREATE TRIGGER seclog_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON seclog_entries
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();
CREATE TRIGGER seclog_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON seclog_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();
CREATE TRIGGER ledger_head_fixed BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_head
    FOR EACH STATEMENT EXECUTE FUNCTION qingdan_append_only();

CREATE TRIGGER ledger_entries_chain BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_chain();
CREATE TRIGGER seclog_entries_chain BEFORE INSERT ON seclog_entries
    FOR EACH ROW EXECUTE FUNCTION seclog_entries_chain();
