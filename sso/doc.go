// Package sso composes ssokit's protocol verifiers (oidc, and saml and
// jwtsso), the mapping engine and group sync into a complete login for a
// multi-tenant host application.
//
// The host keeps its router, database and session cookie. It gives [New] a
// [ConnectionStore] (tenants and their connections), a [UserStore] and a
// [SessionStarter], and mounts the returned [Handler] under a prefix of its
// choice.
//
// # Routes
//
// Relative to Config.BaseURL (the handler accepts requests with the
// BaseURL's path still on, or stripped by http.StripPrefix):
//
//	GET  login?email=[&return_to=]                       find the tenant
//	GET  {tenant}/login[?connection=&email=&return_to=]  start a login
//	GET  {tenant}/providers                              JSON login buttons
//	GET  {tenant}/oidc/callback/{connection}             OIDC redirect URL
//	POST {tenant}/saml/acs                               SAML ACS
//	GET  {tenant}/saml/metadata                          SAML SP metadata
//	GET  {tenant}/jwt?jwt=...&return_to=...              partner JWT login
//
// The OIDC callback is singular ("callback"), one per connection; the
// connection ID defaults to its kind, so Contiamo's two providers get
// ".../oidc/callback/azure" and ".../oidc/callback/google".
// [Handler.LaunchURL] is the tenant's login URL for IdP portals.
//
// The tenant-less login sends the browser to the login of the tenant that
// verified the email's domain ([Handler.DiscoverTenant]), or fails with
// [CodeDomainNotVerified]. Login start picks the connection asked for; else the one whose Domains
// hold the email's domain, if that domain is verified for the tenant
// (home-realm discovery); else the tenant's single required connection
// (auto-redirect); else its only connection; else it shows a page with one
// button per enabled connection.
//
// # The pipeline
//
// Every protocol ends in the same steps: the verified result becomes an
// [Identity] (issuer, subject, email_verified, every claims document); the
// connection's test expressions must all pass; the mapping rules give the
// email (checked against emailPattern), name, spaces, groups and
// permissions; the user is found by (issuer, subject), else, when the
// email is trusted (see "Trust" below), by email in the same tenant, else
// created when the connection provisions just in time; a pending
// (SCIM-provisioned) user is activated; group sync runs in strict or
// additive mode; the host's StartSession receives a [Result]; the browser
// is redirected to the validated return_to.
//
// # Protocols
//
// OIDC kinds (oidc, azure, google, okta) use package oidc: PKCE, nonce and
// a state sealed under a key derived per connection from Config.StateKey,
// kept in an HttpOnly cookie scoped to the connection's callback (login
// CSRF protection); azure pins tenantId and requires a tid claim, google
// checks hostedDomain and requires an hd claim verified for the tenant.
// SAML connections use package saml: the AuthnRequest ID, connection and
// return_to travel in a sealed SameSite=None cookie scoped to the ACS;
// IdP-initiated logins are refused. JWT connections use package jwtsso:
// login start sends the user to the partner's remoteLoginUrl with
// return_to, and {tenant}/jwt verifies the token; the identity's issuer is
// a per-tenant URN, so a partner can only vouch for its own tenant.
// Return targets are checked with [SameOrigin] (jwtsso.CheckReturnTo on the
// BaseURL's origin) when the login starts and again when it completes.
//
// # Provisioning and sync
//
// Connections are existing-only (the default), jit or jit-and-update
// (profile updated on later logins). [ProvisionedUsers] ([SCIMUsers] over a
// scim.Store) lets the first login of a SCIM-provisioned user create its
// host account; deprovisioned users are refused. On-login group sync runs
// through Config.Memberships. For background sync the handler is a
// groupsync.Refresher ([Handler.Refresh]) and [Handler.MapClaims] its
// MapFunc; the host enrolls [Result.Identity].RefreshToken with
// [Result.SyncConnection] and [Result.SyncMode].
//
// # Configuration
//
// [LoadFile] reads Contiamo's JSON format unchanged (each tenant slug maps
// to a list of connections) and an extended form (an object with
// "connections", "singleIAM", "allowBreakGlass", "domains"; a domain
// may be listed only as {"name": ..., "verification": "manual",
// "reason": ...}). Validation reports every
// problem at once with its JSON path ([ConfigError]); an empty path
// disables SSO. Secret values may be "env:NAME" or "file:/path"
// references ([Secrets]). Tenants can also be built in Go and put in a
// [MemoryStore]. Compiled rules and verifiers are cached per connection
// version, so a changed connection applies on the next login.
//
// # Trust: who may vouch for an email
//
// An identity provider belongs to the customer who configured it and can
// assert any email, so an email is trusted only when its domain is
// verified for the connection's tenant, by Config.Domains (a
// [*domains.Service]: a DNS TXT proof, or an operator's audited manual
// verification). Only a trusted email finds an existing account, is
// used for a just-in-time account, replaces an account's email
// (jit-and-update), or routes a login by home-realm discovery. Once
// linked, a user is found by (issuer, subject), never by email. An email
// is never trusted when the provider says email_verified is false, or,
// for azure connections, xms_edov is false. Google connections admit only
// tokens whose hd claim is a domain verified for the tenant (a personal
// Gmail account has none); azure connections need a tid claim, equal to
// Parameters.TenantID when set.
//
// The default is safe: without Config.Domains nothing is verified but the
// domains a configuration lists with "verification": "manual" (recorded
// and logged at [New]), so a first login fails with [CodeDomainNotVerified]
// ("This email's domain is not verified for your organisation").
// Connection.AllowUnverifiedDomains lets such a first login proceed
// instead, subject-only: no existing account is ever found by the email,
// a new one is created (jit) with [User].EmailUnverified set, and
// [Result].EmailTrusted is false. A login never attaches to a user of
// another tenant ([CodeOtherTenantsUser] if a store returns one).
//
// # Outbound requests
//
// Config.HTTPClient fetches what a connection names: SAML metadata URLs,
// OIDC discovery documents and the jwks_uri, token and userinfo
// endpoints they list. Those URLs come from tenant admins, so with
// HTTPClient nil the handler uses [NewPublicClient], which connects only
// to public internet addresses: [PublicOnlyDialControl] checks the
// address of every connection after DNS resolution (DNS rebinding and
// redirects included) and refuses loopback, private, carrier-grade NAT,
// link-local, multicast, documentation and other reserved addresses
// ([NonPublicReason]) with a [*BlockedAddressError]; the login fails with
// [CodeConfig] and the log says which address was refused and why.
// Config.AllowPrivateNetworks uses http.DefaultClient instead, for
// identity providers on a private network. A host's own HTTPClient is
// used as is.
//
// # Policy
//
// Connections are required or optional. [Handler.CheckPasswordLogin]
// tells the host whether a password login is allowed: required blocks it,
// privileged users (admins, managers) may always use it, a tenant may
// allow a break-glass path, and pending users have no password.
//
// # Errors
//
// A failed login is an [*Error] with a stable [Code], a message safe to
// show and the cause. The documented six are CodeInvalidState,
// CodeCodeExchange, CodeIdentity, CodeInvalidEmail, CodeNotAllowed and
// CodeSession; protocol failures map to CodeSignature, CodeExpired,
// CodeAudience, CodeReplayed, CodeTestExpression and CodeSSORequired;
// untrusted emails give CodeDomainNotVerified; an identity provider URL
// leading to an address that is not public gives CodeConfig.
// Config.ErrorPage renders them; the default page shows only the message
// and code.
//
// # Audit and debugging
//
// Every success ("valid login through oidc connection detected", with
// the group ids received) and every failure (with code and reason) is an
// slog event on Config.Logger. With Config.DebugClaims set,
// [Handler.LastClaims] and [Handler.DebugHandler] show the claims of the
// last login per connection, with token and secret values redacted.
package sso
