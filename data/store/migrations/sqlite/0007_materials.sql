-- Application materials, content-addressed by SHA-256; only the hashes
-- enter the ledger. A file may hold personal data: it is erased with the
-- applicant's other data when no application needs it.
CREATE TABLE materials (
    sha256     BLOB    PRIMARY KEY,
    size       INTEGER NOT NULL,
    content    BLOB    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE TABLE application_materials (
    number TEXT NOT NULL,
    name   TEXT NOT NULL,
    sha256 BLOB NOT NULL,
    PRIMARY KEY (number, sha256)
);
