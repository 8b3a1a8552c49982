// Package setup is the self-serve SSO and SCIM setup of ssokit: an
// http.Handler with server-rendered pages and a JSON API through which a
// customer's IT admin configures the tenant's connections alone.
//
// # Access
//
// The host mounts the handler behind its own admin authentication and
// says, with Config.Authorize, which tenant a request may edit. The
// vendor can also send an IT admin a setup link ([Handler.NewLink]): it
// is signed with Config.LinkKey (HMAC-SHA256), names one tenant, carries
// a random nonce and expires. Opening it (GET link?token=) keeps it in
// an HttpOnly cookie scoped to the handler's path; every later request
// is checked again, so an expired link stops working mid-session. The
// tenant always comes from the host hook or the link, never from the
// request, so a link can never reach another tenant.
//
// # CSRF and headers
//
// Every POST, PUT and DELETE must carry the session's CSRF token, as the
// form field csrf or the header X-CSRF-Token (GET api/session gives it to
// API clients). The token is an HMAC of the tenant and the session: the
// link for link sessions, a random HttpOnly cookie for host sessions; it
// is compared in constant time. Every answer sets a Content-Security-Policy
// with default-src 'none' and frame-ancestors 'none', X-Frame-Options,
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer and
// Cache-Control: no-store.
//
// # JSON API
//
// Relative to Config.BaseURL:
//
//	GET    api/session                   tenant, CSRF token, values to copy, SCIM base URL
//	GET    api/connections               list (secrets blanked, secretsSet names them)
//	POST   api/connections               create: ConnectionInput, version 0 → 201 SaveResult
//	GET    api/connections/{id}          one ConnectionView
//	PUT    api/connections/{id}          update: version is the version read; stale → 409
//	DELETE api/connections/{id}?version= delete (stores implementing Deleter), else 501
//	POST   api/connections/{id}/run      run the test expressions on pasted claims (RunRequest)
//	POST   api/connections/{id}/jwt-check  check a partner's JWT: {"token": "..."} → TestResult
//	POST   api/scim/token                new SCIM token (shown once) and the SCIM base URL
//	DELETE api/scim/token                revoke the tenant's SCIM token
//	GET    api/scim/requests             latest SCIM requests with their status (Config.SCIMRequests)
//	GET    api/audit                     latest changes, newest first
//	GET    api/domains                   the tenant's domains (Config.Domains), DomainView
//	POST   api/domains                   claim: {"domain": "example.com"}; the TXT record to publish
//	POST   api/domains/{domain}/verify   look the TXT record up now → VerifyResult
//	POST   api/domains/{domain}/subdomains  {"include": true|false}
//	GET    api/tenant                    enforcement and the tenant's settings (TenantView)
//	PUT    api/tenant                    {"allowBreakGlass": true|false} (stores implementing BreakGlassSetter), else 501
//	POST   tenant/break-glass            the Enforcement form: allow=1 allows break-glass logins, else refuses them
//	GET    connections/{id}/test?csrf=   start a test login (page)
//	POST   connections/{id}/jwt-check    "Check a token" form of a JWT connection (page)
//	POST   test/saml/acs                 a SAML test login's ACS
//	GET    test/oidc/callback            an OIDC test login's redirect URI
//	GET    test/result/{id}              a test login's result (the session's tenant only)
//
// Invalid connections answer 422 with an [APIError] listing every
// problem with the same JSON path the config file's validation reports
// ($["acme"][0].parameters.clientId) and the path relative to the
// connection (parameters.clientId). Validation is sso.Validate on the
// tenant with the change applied.
//
// # Domains
//
// With Config.Domains (the *domains.Service the sso handler trusts), the
// page and API let the tenant claim its email domains and prove each
// with a DNS TXT record: a pending domain shows the exact record name and
// value to copy, "Verify now" looks it up at once and says what it found
// in words (no record, other values only, found). Answers: a name that is
// not a domain, a public suffix or a consumer mail domain is 400 with a
// problem on field domain; a domain another organisation has verified is
// 409 without naming it; a DNS timeout or server failure is 503 "try
// again" and changes nothing; an expired claim is 409 until claimed
// again; another tenant's domain is 404; a change that lost to a
// concurrent write of the same record is 409 "try again". The token is shown only while
// the domain is pending and never written to the audit log, which
// records domain.claim, domain.verify, domain.subdomains and
// domain.conflict. Manual verification and transfers are not offered
// here: they are operator actions (domains.Service.VerifyManually and
// Transfer, with the operator's name and reason).
//
// # Enforcement
//
// The Enforcement section and GET api/tenant say whether SSO is required
// for the tenant (an enabled connection with mode required, the rule of
// sso.Handler's CheckPasswordLogin and RequiresSSO) and who may still use
// a password then: users the host marks privileged always may, pending
// SCIM users never, and a login through the host's break-glass path may
// if the tenant allows break-glass logins (sso.Tenant.AllowBreakGlass).
// The admin switches that setting here when the Store implements
// [BreakGlassSetter] (*sso.MemoryStore and the reference SQL store do);
// otherwise it is shown read-only and the writes answer 501. Each switch
// is audited as tenant.break_glass with Detail on or off, for the
// session's tenant only. SingleIAM (one identity provider at a time) is
// the vendor's setting: shown and explained when set, never editable.
//
// # Secrets
//
// Client secrets, private keys and JWT SSO keys are never returned after
// saving: views blank them and name them in secretsSet, and a save that
// leaves a secret empty keeps the stored one. ConnectionInput's
// generateKeyPair makes an RSA key and self-signed certificate
// (private_key_jwt; the certificate is returned to upload to the IdP,
// the key stored), generateSharedSecret a JWT SSO key returned once.
// Submitted secrets may not be env: or file: references, which would
// make the server read its own environment or files. Audit events name
// the fields that changed, never their values.
//
// # Requests to identity providers
//
// Saving a SAML connection with a metadata URL fetches it (certificate
// warnings), and a test login fetches the metadata or the OIDC discovery
// document and the endpoints it names. The admin chooses those URLs, so
// with Config.HTTPClient nil the handler uses sso.NewPublicClient, which
// connects only to public internet addresses: a URL leading to loopback,
// a private network or a cloud metadata address (169.254.169.254)
// reaches nothing, and the admin reads why in the warning or on the test
// login page ("... is a loopback address; identity providers must be
// reachable on the public internet, or set Config.AllowPrivateNetworks").
// Config.AllowPrivateNetworks lifts this for identity providers on a
// private network; a host's own HTTPClient is used as is.
//
// # Test login
//
// "Test login" runs a real login at the connection's IdP and shows every
// attribute or claim received and each decision (signature, mapped
// attributes, group table rows, provisioning, test expressions through
// Config.SSO's DryRun) with its explanation, without creating a user or a
// session. It goes through setup's own endpoints, which the admin adds
// to the IdP next to the sso ones: the test ACS URL for SAML (the SP
// entity ID stays the sso one, so it is the same IdP application) and the
// test redirect URI for OpenID Connect. The test state travels in a
// signed cookie; the result is kept ten minutes in memory and shown only
// to a session of the same tenant.
//
// Partner JWT connections have "Check a token" instead ([Handler.CheckJWT]):
// the partner's developer pastes a token their login script produced, and
// it is verified as the sso JWT endpoint would verify it: the verifier is
// built by sso.JWTVerifierConfig from the stored SSO key (through
// Config.Secrets) with Config.Now, so signature, HS256 only, the iat
// window, exp and nbf, the required iat, jti and email and the email's
// form are the real rules. The answer is the same TestResult: the claims
// received (document JWT) and the decisions (signature, time window with
// the instant the token stops working, email, whether the email's domain
// is verified for the tenant when Config.Domains can tell, mapping and
// test expressions through Config.SSO's DryRun). A refused token is a
// TestResult whose Error starts with the rule it broke (signature, time
// window, algorithm, claims, email, format, size) and says what to change.
// Replay is not checked: the check uses a replay cache that records
// nothing, so a checked token still signs in once through the real
// endpoint. Tokens over MaxCheckTokenBytes are refused before anything
// else; the SSO key is never shown. A connection of another kind answers
// 422.
//
// # Pages
//
// GET / shows, without JavaScript: the values to copy into the IdP (ACS
// URL, entity ID, SP metadata, redirect URI) derived from
// Config.SSOBaseURL and the sso routes; the connections with warnings for
// SAML signing certificates that expire within 30 days; step-by-step
// guides for Okta, Entra ID, Google, generic SAML, generic OIDC and
// partner JWT; the connection form (metadata URL or XML or issuer + SSO
// URL + certificate; discovery endpoint, client id and secret or a
// generated key pair; mapping attribute names, a group table, test
// expressions with Run, mode, group sync); Test login on SAML and OpenID
// Connect connections and Check a token on partner JWT ones; whether SSO
// is enforced, with the break-glass switch (Enforcement); the SCIM token;
// the last login's claims (with Config.SSO); the domains with their TXT
// records (with Config.Domains); and the audit log. Validation problems
// are shown next to their field.
package setup
