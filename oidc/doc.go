// Package oidc is an OpenID Connect relying party for Entra ID (Azure AD),
// Google, Okta and any provider with a discovery endpoint.
//
// It is a verifier built on github.com/coreos/go-oidc/v3 (discovery, key
// sets, signatures) and golang.org/x/oauth2 (authorization URL, code
// exchange, refresh). It knows nothing about tenants, users or roles: it
// returns [Tokens] carrying every claim as received, for the host (or
// package sso) to map.
//
// # Login
//
// [New] validates a [Config] without I/O. [RP.Begin] fetches and caches the
// discovery document, then returns the authorization URL of a code flow
// with PKCE (S256), a nonce and a state. The state seals the nonce, the PKCE
// verifier, the return target and the connection ID with AES-256-GCM under
// Config.StateKey, with an expiry, so no server-side store is needed. The
// host keeps [Login.State] in a cookie; [RP.Exchange] refuses a state that
// is malformed, tampered with, expired, already used (Config.ReplayCache)
// or not the browser's own, with an error wrapping [ErrInvalidState].
//
// # Verification
//
// The ID token's signature is checked by go-oidc with the provider's key
// set, re-fetched once (one request for all concurrent callers) when a
// token names an unknown key, which is how key rotation is followed. Only
// asymmetric algorithms are accepted. This package then checks, with typed
// errors: issuer ([IssuerError]), audience ([AudienceError]), azp when
// there are several audiences ([AuthorizedPartyError]), exp and iat with
// Config.ClockSkew ([ExpiredError], [IssuedAtError], [NotBeforeError]), the
// login's nonce
// ([NonceError]), at_hash ([AccessTokenHashError]), the pinned Entra ID
// tenant ([TenantError]) and the userinfo sub ([SubjectError]). Every one
// wraps [ErrIdentity].
//
// Entra ID's multi-tenant discovery (".../common/v2.0") announces the
// issuer "https://login.microsoftonline.com/{tenantid}/v2.0". The template
// is accepted only when it turns back into the discovery URL, and a token's
// issuer must then equal the template with the token's own tid (a GUID)
// substituted; Config.TenantID pins that tid, and is required unless
// Config.InsecureAnyTenant is set.
//
// Access token claims are decoded when the access token is a JWT, without
// a signature check: the token comes straight from the token endpoint over
// TLS, and is bound to the ID token by at_hash when present. Use them for
// test expressions and group paths, not as proof by themselves.
//
// # Client authentication
//
// client_secret_basic (default), client_secret_post, and private_key_jwt
// (RFC 7523) with an RSA key from [ParsePrivateKey] (PEM PKCS#1 or PKCS#8,
// or PKCS#12) or any crypto.Signer; the certificate's [Thumbprint] is sent
// as x5t and kid, as Entra ID requires. [GenerateKey] makes a new key and
// self-signed certificate for the admin to upload.
//
// # Refresh
//
// [RP.Refresh] exchanges a refresh token (ask for one with
// Config.OfflineAccess) for new tokens and claims. A refused refresh token
// wraps [ErrRefreshRevoked], the signal for sync to remove permissions.
//
// # Errors
//
// The documented login errors map to [ErrInvalidState], [ErrCodeExchange]
// and [ErrIdentity]; [ErrAuthorization] is an error answer from the
// provider and [ErrDiscovery] a bad discovery endpoint. Error() is safe to
// show; Unwrap gives the cause for logs.
package oidc
