-- Applications (办件) as projections of application.* ledger entries
-- (see sqlite/0005_applications.sql).
CREATE TABLE applications (
    number            text    PRIMARY KEY,
    service_code      text    NOT NULL,
    power_code        text    NOT NULL,
    dept              text    NOT NULL,
    state             text    NOT NULL,
    outcome           text    NOT NULL DEFAULT '',
    applicant_type    text    NOT NULL,
    applicant_display text    NOT NULL,
    commitment        text    NOT NULL,
    submitted_at      text    NOT NULL,
    accepted_on       text    NOT NULL DEFAULT '',
    closed_on         text    NOT NULL DEFAULT '',
    legal_limit       integer NOT NULL,
    promised_limit    integer NOT NULL,
    extension_days    integer NOT NULL DEFAULT 0,
    paused_since      text    NOT NULL DEFAULT '',
    pauses            text    NOT NULL DEFAULT '[]',
    reviewed_by       text    NOT NULL DEFAULT '',
    decided_by        text    NOT NULL DEFAULT '',
    ledger_index      bigint  NOT NULL,
    query_code_hash   bytea
);
CREATE INDEX applications_queue ON applications (dept, state);
CREATE TABLE application_events (
    ledger_index bigint PRIMARY KEY,
    number       text   NOT NULL,
    type         text   NOT NULL,
    time         text   NOT NULL,
    actor        text   NOT NULL,
    detail       text   NOT NULL
);
CREATE INDEX application_events_number ON application_events (number, ledger_index);
-- Personal data (PIPL): never in the ledger.
CREATE TABLE applicants (
    number   text  PRIMARY KEY,
    salt     bytea NOT NULL,
    personal text  NOT NULL
);
