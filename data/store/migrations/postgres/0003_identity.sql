-- Identities and role grants (see sqlite/0003_identity.sql).
CREATE TABLE users (
    username      text    PRIMARY KEY,
    display_name  text    NOT NULL,
    dept          text    NOT NULL,
    status        text    NOT NULL,
    ledger_index  bigint  NOT NULL,
    password_hash text    NOT NULL DEFAULT ''
);
-- The table of github.com/casbin/gorm-adapter/v3 (CasbinRule), created
-- here so that it is never AutoMigrated.
CREATE TABLE casbin_rule (
    id    bigserial    PRIMARY KEY,
    ptype varchar(100) NOT NULL DEFAULT '',
    v0    varchar(100) NOT NULL DEFAULT '',
    v1    varchar(100) NOT NULL DEFAULT '',
    v2    varchar(100) NOT NULL DEFAULT '',
    v3    varchar(100) NOT NULL DEFAULT '',
    v4    varchar(100) NOT NULL DEFAULT '',
    v5    varchar(100) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);
