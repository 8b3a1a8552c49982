-- Sealed refresh tokens for background group sync (groupsync.TokenStore).
-- user_id and connection are BYTEA so any value (even with NUL bytes)
-- round-trips.
CREATE TABLE IF NOT EXISTS ssokit_sync_tokens (
	user_id    BYTEA   NOT NULL PRIMARY KEY,
	connection BYTEA   NOT NULL,
	mode       BIGINT  NOT NULL,
	sealed     BYTEA   NOT NULL,
	next_at    BIGINT  NOT NULL,
	failures   BIGINT  NOT NULL,
	revoked    BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_sync_tokens_due ON ssokit_sync_tokens (next_at);
