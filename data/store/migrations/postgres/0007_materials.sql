-- Application materials, content-addressed by SHA-256.
CREATE TABLE materials (
    sha256     bytea   PRIMARY KEY,
    size       integer NOT NULL,
    content    bytea   NOT NULL,
    created_at text    NOT NULL
);
CREATE TABLE application_materials (
    number text  NOT NULL,
    name   text  NOT NULL,
    sha256 bytea NOT NULL,
    PRIMARY KEY (number, sha256)
);
