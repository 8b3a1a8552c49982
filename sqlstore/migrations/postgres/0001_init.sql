-- Tenants and their connections. Secret parameters live only in
-- connections.secrets, sealed with AES-256-GCM (see keys.go).
CREATE TABLE IF NOT EXISTS ssokit_tenants (
	slug              TEXT    NOT NULL PRIMARY KEY,
	single_iam        BOOLEAN NOT NULL DEFAULT FALSE,
	allow_break_glass BOOLEAN NOT NULL DEFAULT FALSE,
	created_at        BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS ssokit_connections (
	tenant     TEXT    NOT NULL REFERENCES ssokit_tenants(slug) ON DELETE CASCADE,
	id         TEXT    NOT NULL,
	position   BIGINT  NOT NULL,
	version    BIGINT  NOT NULL,
	body       TEXT    NOT NULL,
	secrets    TEXT    NOT NULL,
	key_id     TEXT    NOT NULL,
	updated_at BIGINT  NOT NULL,
	PRIMARY KEY (tenant, id)
);

-- SCIM bearer tokens: only the SHA-256 digest is stored.
CREATE TABLE IF NOT EXISTS ssokit_scim_tokens (
	id         TEXT    NOT NULL PRIMARY KEY,
	tenant     TEXT    NOT NULL,
	hash       TEXT    NOT NULL UNIQUE,
	label      TEXT    NOT NULL,
	created_at BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS ssokit_scim_tokens_tenant ON ssokit_scim_tokens (tenant);

-- SCIM resources; attrs is the resource's JSON.
CREATE TABLE IF NOT EXISTS ssokit_scim_resources (
	seq           BIGSERIAL PRIMARY KEY,
	tenant        TEXT    NOT NULL,
	type          TEXT    NOT NULL,
	id            TEXT    NOT NULL,
	username_key  TEXT,
	version       BIGINT  NOT NULL,
	created_at    BIGINT  NOT NULL,
	modified_at   BIGINT  NOT NULL,
	attrs         TEXT    NOT NULL,
	UNIQUE (tenant, type, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ssokit_scim_username ON ssokit_scim_resources (tenant, type, username_key);

-- Tenant domains; at most one tenant holds a name verified.
CREATE TABLE IF NOT EXISTS ssokit_domains (
	tenant             TEXT    NOT NULL,
	name               TEXT    NOT NULL,
	state              TEXT    NOT NULL,
	token              TEXT    NOT NULL,
	strategy           TEXT    NOT NULL,
	operator           TEXT    NOT NULL,
	reason             TEXT    NOT NULL,
	include_subdomains BOOLEAN NOT NULL,
	created_at         BIGINT  NOT NULL,
	pending_since      BIGINT  NOT NULL,
	verified_at        BIGINT  NOT NULL,
	last_checked_at    BIGINT  NOT NULL,
	last_result        TEXT    NOT NULL,
	misses             BIGINT  NOT NULL,
	first_miss_at      BIGINT  NOT NULL,
	version            BIGINT  NOT NULL,
	PRIMARY KEY (tenant, name)
);
CREATE UNIQUE INDEX IF NOT EXISTS ssokit_domains_verified ON ssokit_domains (name) WHERE state = 'verified';
CREATE INDEX IF NOT EXISTS ssokit_domains_state ON ssokit_domains (state);
