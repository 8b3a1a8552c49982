// Package sqlstore is ssokit's reference database/sql store: tenants and
// their SSO connections (an sso.ConnectionStore with optimistic
// concurrency), SCIM bearer tokens (a scim.Authenticator), SCIM resources
// (a scim.Store) and tenant domains (a domains.DomainStore), in the
// host's PostgreSQL or in an embedded SQLite file.
package sqlstore
