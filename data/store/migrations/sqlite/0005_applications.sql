-- Applications (办件) as projections of application.* ledger entries.
CREATE TABLE applications (
    number            TEXT    PRIMARY KEY,
    service_code      TEXT    NOT NULL,
    power_code        TEXT    NOT NULL,
    dept              TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    outcome           TEXT    NOT NULL DEFAULT '',
    applicant_type    TEXT    NOT NULL,
    applicant_display TEXT    NOT NULL, -- masked (张*) or a legal person's name
    commitment        TEXT    NOT NULL, -- salted SHA-256 of the personal data
    submitted_at      TEXT    NOT NULL,
    accepted_on       TEXT    NOT NULL DEFAULT '', -- China date the clock starts
    closed_on         TEXT    NOT NULL DEFAULT '',
    legal_limit       INTEGER NOT NULL,
    promised_limit    INTEGER NOT NULL,
    extension_days    INTEGER NOT NULL DEFAULT 0,
    paused_since      TEXT    NOT NULL DEFAULT '',
    pauses            TEXT    NOT NULL DEFAULT '[]', -- JSON [{from,to,reason}]
    reviewed_by       TEXT    NOT NULL DEFAULT '',
    decided_by        TEXT    NOT NULL DEFAULT '',
    ledger_index      INTEGER NOT NULL,
    query_code_hash   BLOB    -- written beside the submission; not in the ledger
);
CREATE INDEX applications_queue ON applications (dept, state);
-- The timeline: one row per application entry.
CREATE TABLE application_events (
    ledger_index INTEGER PRIMARY KEY,
    number       TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    time         TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    detail       TEXT    NOT NULL -- the entry's data, JSON
);
CREATE INDEX application_events_number ON application_events (number, ledger_index);
-- Personal data (PIPL): never in the ledger; erasing a row keeps every
-- hash valid and the application's public record.
CREATE TABLE applicants (
    number   TEXT PRIMARY KEY,
    salt     BLOB NOT NULL,
    personal TEXT NOT NULL -- JSON of the applicant and the summary
);
