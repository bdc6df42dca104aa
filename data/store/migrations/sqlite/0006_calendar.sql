-- Working-day calendar years updated by operators: projections of
-- calendar.updated entries; they override the embedded years.
CREATE TABLE calendar_years (
    year         INTEGER PRIMARY KEY,
    data         TEXT    NOT NULL, -- the year as holiday-cn JSON
    ledger_index INTEGER NOT NULL
);
