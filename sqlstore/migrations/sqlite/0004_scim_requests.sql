-- The latest SCIM requests per tenant with their outcome, for the setup
-- page ("last provisioning requests").
CREATE TABLE IF NOT EXISTS ssokit_scim_requests (
	seq    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	tenant TEXT    NOT NULL,
	at     INTEGER NOT NULL,
	method TEXT    NOT NULL,
	path   TEXT    NOT NULL,
	status INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_scim_requests_tenant ON ssokit_scim_requests (tenant, seq);
