-- The latest SCIM requests per tenant with their outcome, for the setup
-- page ("last provisioning requests").
CREATE TABLE IF NOT EXISTS ssokit_scim_requests (
	seq    BIGSERIAL PRIMARY KEY,
	tenant TEXT    NOT NULL,
	at     BIGINT  NOT NULL,
	method TEXT    NOT NULL,
	path   TEXT    NOT NULL,
	status BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_scim_requests_tenant ON ssokit_scim_requests (tenant, seq);
