-- Uploads are tied to an application within a time limit (issue 20,
-- finding 6): an upload not named by a submission before expires_at is
-- collected (Approvals.CollectMaterials). uploaded_at (Unix seconds) and
-- uploader (the client's network: an IPv4 address or an IPv6 /64) count
-- per-address quotas; the uploader is cleared once the quota window is
-- over. Uploads made before this migration get a day from now.
ALTER TABLE materials ADD COLUMN uploaded_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE materials ADD COLUMN expires_at  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE materials ADD COLUMN uploader    TEXT;
UPDATE materials SET uploaded_at = CAST(strftime('%s', created_at) AS INTEGER),
    expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 86400;
CREATE INDEX materials_uploader ON materials (uploader, uploaded_at);
CREATE INDEX materials_expires ON materials (expires_at);
CREATE INDEX application_materials_sha256 ON application_materials (sha256);
