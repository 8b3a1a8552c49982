// Package ssokit gives a multi-tenant SaaS application enterprise single
// sign-on, embedded in the application itself: SAML 2.0, OpenID Connect and
// partner-signed JWT logins, SCIM 2.0 provisioning, and a pure engine that
// maps what an identity provider says about a person onto the application's
// spaces, roles and groups.
//
// # Packages
//
// The protocol packages are verifiers, each usable on its own:
//
//   - saml: a SAML 2.0 service provider (AuthnRequest, response
//     verification, metadata).
//   - oidc: an OpenID Connect relying party (code flow with PKCE, ID token
//     verification, refresh).
//   - jwtsso: partner-signed JWT logins.
//
// The domain packages hold the rules:
//
//   - mapping: a pure engine from claims to email, name, spaces, roles,
//     groups and permissions, with an explanation of every decision.
//   - groupsync: keeps group memberships true on login, in the background and
//     against a directory.
//   - scim: SCIM 2.0 provisioning handlers over a host store.
//   - domains: tenant domains proved by a DNS TXT record; only a verified
//     domain lets an identity provider's email link or create an account.
//
// Package sso composes them into one http.Handler that a host mounts under a
// prefix of its choice: tenants, connections (in memory or from a JSON
// configuration file), login policy, user provisioning and group sync.
// Package redisstore shares replay caches and refresh-token leases between
// several instances; package ssotest runs identity providers in process
// for tests.
package ssokit
