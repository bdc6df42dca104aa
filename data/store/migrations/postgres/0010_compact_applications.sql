-- The timeline keeps no copy of the entry's data: the ledger has it and
-- nothing read it (see sqlite/0010_compact_applications.sql).
ALTER TABLE application_events DROP COLUMN detail;
