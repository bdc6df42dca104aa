-- The timeline keeps no copy of the entry's data: the ledger has it and
-- nothing read it; every commit under submissions wrote it again.
ALTER TABLE application_events DROP COLUMN detail;
