// Package saml is a SAML 2.0 service provider (SP) verifier: it starts
// logins at an identity provider and verifies the responses that come back,
// returning every attribute the IdP asserted.
//
// It is built on goxmldsig and gosaml2 and is usable on its own, the way
// go-oidc is used for OpenID Connect.
//
// # Configuration
//
// Describe the IdP with [ParseIdPMetadata], [FetchIdPMetadata] or, from the
// three values an IdP console shows (issuer URI, SSO URL, certificate),
// [IdPFromSettings]. Then call [New] with a [Config]; it checks everything
// up front. [ServiceProvider.Metadata] returns the SP metadata for the IdP
// administrator.
//
// # Starting a login
//
// [ServiceProvider.RedirectAuthnRequest] and [ServiceProvider.PostAuthnRequest]
// build an AuthnRequest for the HTTP-Redirect or HTTP-POST binding. Keep
// its ID with the browser's state: the response must answer it.
//
// # Verifying a response
//
// [ServiceProvider.VerifyResponse] (or [ServiceProvider.HandleACS] in an
// ACS handler) parses the response once, after refusing oversized input and
// DTDs, and checks the tree for the constructs that do not survive an
// encoding/xml round trip; validates the enveloped signatures with
// goxmldsig; and reads the identity only from the element the signature
// covered, so signature-wrapping and comment tricks cannot make it read
// anything but what the IdP signed. It then checks issuer,
// destination, recipient, audience, the time windows with
// [Config.ClockSkew], InResponseTo and the status, and remembers the
// assertion ID in a [ReplayCache].
//
// # What is refused
//
// By default: an assertion that is neither signed itself nor inside a signed
// response (set [Config.RequireSignedResponseAndAssertion] to demand both);
// signatures by keys other than the IdP's certificates (several may be
// trusted at once for rollover), whatever certificate KeyInfo carries;
// SHA-1 signature or digest methods ([Config.InsecureAllowSHA1]); more than
// one assertion, or a second signature on one element; unsolicited responses
// ([Config.InsecureAllowIdPInitiated]); an InResponseTo that names no
// request we issued; assertion IDs already seen; DOCTYPE, entity
// declarations, processing instructions, duplicate XML attributes and
// malformed or undeclared namespace prefixes; duplicate SAML attributes.
// Encrypted assertions are decrypted with [Config.DecryptionKey] through
// gosaml2 and then verified like plain ones.
//
// # Errors
//
// Every failure wraps a sentinel such as [ErrAudience] or [ErrSignature];
// typed errors such as [AudienceError] carry what was received and what was
// expected. Error strings are safe to show; [StatusError.Message] is the
// IdP's own text.
package saml
