-- Identities and role grants. users and the g-lines of casbin_rule are
-- projections of user.* and role.* ledger entries; password hashes are
-- not in the ledger and are written beside the user.created projection.
CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    dept          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    ledger_index  INTEGER NOT NULL,
    password_hash TEXT    NOT NULL DEFAULT ''
);
-- The table of github.com/casbin/gorm-adapter/v3 (CasbinRule), created
-- here so that it is never AutoMigrated: p-lines are the role permissions
-- from the code, g-lines (user, role:<name>, department) are written only
-- by the projection of role.granted and role.revoked.
CREATE TABLE casbin_rule (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    ptype VARCHAR(100) NOT NULL DEFAULT '',
    v0    VARCHAR(100) NOT NULL DEFAULT '',
    v1    VARCHAR(100) NOT NULL DEFAULT '',
    v2    VARCHAR(100) NOT NULL DEFAULT '',
    v3    VARCHAR(100) NOT NULL DEFAULT '',
    v4    VARCHAR(100) NOT NULL DEFAULT '',
    v5    VARCHAR(100) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);
