-- Sealed refresh tokens for background group sync (groupsync.TokenStore).
-- user_id and connection are BLOBs so any value (even with NUL bytes)
-- round-trips.
CREATE TABLE IF NOT EXISTS ssokit_sync_tokens (
	user_id    BLOB    NOT NULL PRIMARY KEY,
	connection BLOB    NOT NULL,
	mode       INTEGER NOT NULL,
	sealed     BLOB    NOT NULL,
	next_at    INTEGER NOT NULL,
	failures   INTEGER NOT NULL,
	revoked    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_sync_tokens_due ON ssokit_sync_tokens (next_at);
