-- Working-day calendar years: projections of calendar.updated entries.
CREATE TABLE calendar_years (
    year         integer PRIMARY KEY,
    data         text    NOT NULL,
    ledger_index bigint  NOT NULL
);
