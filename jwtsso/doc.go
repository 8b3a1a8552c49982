// Package jwtsso verifies partner-signed JWT logins: the "JWT SSO" model
// in which a customer's own login script signs a short-lived token with a
// shared secret and sends the browser back with it.
//
// # The flow
//
//  1. An unauthenticated user reaches the tenant. The host redirects to the
//     partner's remote login URL, built by [Verifier.LoginURL] with a
//     return_to parameter.
//  2. The partner's script authenticates the user its own way, signs a
//     token (HS256 with the shared "SSO key") with iat, jti and email, and
//     redirects to the host's endpoint with ?jwt=TOKEN (and return_to).
//  3. The host calls [Verifier.Verify] on the jwt parameter, matches the
//     user by [Claims.Email] (no account is created), starts its session
//     and redirects to the URL [Verifier.ReturnTo] approved.
//
// # Keys
//
// [GenerateKey] makes a 256-bit shared secret, hex-encoded, to show the
// administrator once; the partner signs with that string as the HMAC key. [Config.Keys] holds every active key: during a rotation the old and
// the new key are both configured, and a token is checked with the key its
// kid names, or without kid with each key of its algorithm in turn (at most
// [MaxKeys]). RS256 and ES256 work with a configured public key or a JWKS
// URL ([Config.KeySetURL]).
//
// # Rules
//
// The algorithm allow-list comes only from [Config.Algorithms] (HS256 by
// default); "none" is never accepted and a key verifies only with its own
// algorithm, so an RSA public key cannot be used as an HMAC secret. iat,
// jti and email are required; claim names match case-insensitively (the
// IT Glue document sends "Jti" and "Email") and a claim given twice, even
// under names that differ only in case, is rejected. iat must lie within [Config.IssuedAtMargin] of
// our clock in both directions; exp is honoured when present; iss and aud
// are checked when configured. A jti is accepted once: the [ReplayCache]
// keeps it, namespaced by issuer and key, until the token could no longer
// be accepted anyway. Tokens longer than [Config.MaxTokenSize] are refused
// before any parsing.
//
// # Errors
//
// Every failure wraps one sentinel ([ErrStale], [ErrExpired],
// [ErrReplayed], [ErrBadSignature], [ErrMissingClaim], [ErrUnknownKey],
// ...) for [errors.Is]; all but [ErrTokenTooLarge] and [ErrReplayCache]
// come as a typed error ([TimeError], [ReplayError], [SignatureError],
// [MissingClaimError], [UnknownKeyError], ...) for [errors.As]. Error() is
// safe to show to the user (token-supplied values are quoted and
// shortened); Unwrap gives the library's or the cache's cause for logs.
//
// # A partner's login script
//
// [Minter] signs tokens the way a partner does, for tests and Go scripts.
// In shell, with the SSO key in $SSO_KEY (openssl and basenc from
// coreutils; testdata/interop/sign.sh is this script, run by the tests):
//
//	b64() { basenc --base64url | tr -d '=\n'; }
//	iat=$(date +%s)
//	jti="$iat/$(openssl rand -hex 18)"
//	header=$(printf '{"typ":"JWT","alg":"HS256"}' | b64)
//	payload=$(printf '{"iat":%s,"jti":"%s","email":"%s"}' "$iat" "$jti" "$EMAIL" | b64)
//	sig=$(printf '%s.%s' "$header" "$payload" |
//	  openssl dgst -sha256 -hmac "$SSO_KEY" -binary | b64)
//	curl -sI "https://tenant.example.com/sso/jwt?jwt=$header.$payload.$sig"
//
// In Node, with the jsonwebtoken package (testdata/interop/sign.js signs
// the same way in the tests):
//
//	const jwt = require('jsonwebtoken');
//	const crypto = require('crypto');
//	const iat = Math.floor(Date.now() / 1000);
//	const token = jwt.sign(
//	  { iat, jti: `${iat}/${crypto.randomBytes(18).toString('hex')}`, email: user.email },
//	  process.env.SSO_KEY, { algorithm: 'HS256' });
//	res.redirect(`https://tenant.example.com/sso/jwt?jwt=${token}` +
//	  `&return_to=${encodeURIComponent(req.query.return_to || '')}`);
package jwtsso
