-- The three lists as projections of the ledger (see sqlite/0002_lists.sql).
CREATE TABLE departments (
    code         text    PRIMARY KEY,
    name         text    NOT NULL,
    status       text    NOT NULL,
    version      integer NOT NULL,
    ledger_index bigint  NOT NULL,
    item         text    NOT NULL
);
CREATE TABLE powers (
    code         text    PRIMARY KEY,
    name         text    NOT NULL,
    category     text    NOT NULL,
    dept         text    NOT NULL,
    status       text    NOT NULL,
    version      integer NOT NULL,
    ledger_index bigint  NOT NULL,
    search       text    NOT NULL,
    item         text    NOT NULL
);
CREATE INDEX powers_dept ON powers (dept, code);
CREATE INDEX powers_category ON powers (category, code);
CREATE TABLE responsibilities (
    code         text    PRIMARY KEY, -- the power's code
    dept         text    NOT NULL,
    status       text    NOT NULL,
    version      integer NOT NULL,
    ledger_index bigint  NOT NULL,
    search       text    NOT NULL,
    item         text    NOT NULL
);
CREATE INDEX responsibilities_dept ON responsibilities (dept, code);
CREATE TABLE services (
    code         text    PRIMARY KEY,
    name         text    NOT NULL,
    audience     text    NOT NULL,
    theme        text    NOT NULL,
    hot          boolean NOT NULL,
    dept         text    NOT NULL,
    power_code   text    NOT NULL,
    category     text    NOT NULL,
    status       text    NOT NULL,
    version      integer NOT NULL,
    ledger_index bigint  NOT NULL,
    search       text    NOT NULL,
    item         text    NOT NULL
);
CREATE INDEX services_dept ON services (dept, code);
CREATE INDEX services_power ON services (power_code);
CREATE TABLE item_versions (
    kind           text    NOT NULL,
    code           text    NOT NULL,
    version        integer NOT NULL,
    ledger_index   bigint  NOT NULL UNIQUE,
    type           text    NOT NULL,
    time           text    NOT NULL,
    basis_doc      text    NOT NULL,
    change_note    text    NOT NULL,
    major          boolean NOT NULL,
    effective_from text    NOT NULL,
    changed        text    NOT NULL, -- JSON array of the fields that changed
    item           text    NOT NULL,
    PRIMARY KEY (kind, code, version)
);
