-- Uploads are tied to an application within a time limit (issue 20,
-- finding 6): an upload not named by a submission before expires_at is
-- collected (Approvals.CollectMaterials). uploaded_at (Unix seconds) and
-- uploader (the client's network: an IPv4 address or an IPv6 /64) count
-- per-address quotas; the uploader is cleared once the quota window is
-- over. Uploads made before this migration get a day from now.
ALTER TABLE materials ADD COLUMN uploaded_at bigint NOT NULL DEFAULT 0;
ALTER TABLE materials ADD COLUMN expires_at  bigint NOT NULL DEFAULT 0;
ALTER TABLE materials ADD COLUMN uploader    text;
UPDATE materials SET uploaded_at = extract(epoch FROM created_at::timestamptz)::bigint,
    expires_at = extract(epoch FROM now())::bigint + 86400;
CREATE INDEX materials_uploader ON materials (uploader, uploaded_at);
CREATE INDEX materials_expires ON materials (expires_at);
CREATE INDEX application_materials_sha256 ON application_materials (sha256);
