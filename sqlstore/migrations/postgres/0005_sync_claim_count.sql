-- Claims since the token record was last written (groupsync.TokenRecord.ClaimCount):
-- a claim that ended without a result leaves it above one, which tells a
-- crash between "refreshed at the identity provider" and "stored".
ALTER TABLE ssokit_sync_tokens ADD COLUMN IF NOT EXISTS claim_count BIGINT NOT NULL DEFAULT 0;
