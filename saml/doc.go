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
// ACS handler) parses the response once, after refusing oversized input,
// DTDs and XML that encoding/xml would not round-trip; validates the
// enveloped signatures with goxmldsig; and reads the identity only from the
// element the signature covered, so signature-wrapping and comment tricks
// see a different document than the verifier reads. It then checks issuer,
// destination, recipient, audience, the time windows with
// [Config.ClockSkew], InResponseTo and the status, and remembers the
// assertion ID in a [ReplayCache].
//
// # Errors
//
// Every failure wraps a sentinel such as [ErrAudience] or [ErrSignature];
// typed errors such as [AudienceError] carry what was received and what was
// expected. Error strings are safe to show; [StatusError.Message] is the
// IdP's own text.
package saml
