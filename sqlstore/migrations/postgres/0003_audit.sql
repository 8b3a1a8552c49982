-- Audit log of configuration changes: who, tenant, what changed (field
-- names, never values).
CREATE TABLE IF NOT EXISTS ssokit_audit (
	seq     BIGSERIAL PRIMARY KEY,
	tenant  TEXT    NOT NULL,
	at      BIGINT  NOT NULL,
	actor   TEXT    NOT NULL,
	action  TEXT    NOT NULL,
	target  TEXT    NOT NULL,
	changed TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_audit_tenant ON ssokit_audit (tenant, seq);
