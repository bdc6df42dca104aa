-- The three lists as projections of the ledger: every row is written by
-- the projection of a list event, in the same transaction as the entry.
-- item holds the item's JSON exactly as the ledger entry recorded it.
CREATE TABLE departments (
    code         TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    item         TEXT    NOT NULL
);
CREATE TABLE powers (
    code         TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    dept         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    search       TEXT    NOT NULL,
    item         TEXT    NOT NULL
);
CREATE INDEX powers_dept ON powers (dept, code);
CREATE INDEX powers_category ON powers (category, code);
CREATE TABLE responsibilities (
    code         TEXT    PRIMARY KEY, -- the power's code
    dept         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    search       TEXT    NOT NULL,
    item         TEXT    NOT NULL
);
CREATE INDEX responsibilities_dept ON responsibilities (dept, code);
CREATE TABLE services (
    code         TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    audience     TEXT    NOT NULL,
    theme        TEXT    NOT NULL,
    hot          INTEGER NOT NULL,
    dept         TEXT    NOT NULL,
    power_code   TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    search       TEXT    NOT NULL,
    item         TEXT    NOT NULL
);
CREATE INDEX services_dept ON services (dept, code);
CREATE INDEX services_power ON services (power_code);
-- Every version of every item, for history pages and differences.
CREATE TABLE item_versions (
    kind           TEXT    NOT NULL,
    code           TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    ledger_index   INTEGER NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    time           TEXT    NOT NULL,
    basis_doc      TEXT    NOT NULL,
    change_note    TEXT    NOT NULL,
    major          INTEGER NOT NULL,
    effective_from TEXT    NOT NULL,
    changed        TEXT    NOT NULL, -- JSON array of the fields that changed
    item           TEXT    NOT NULL,
    PRIMARY KEY (kind, code, version)
);
