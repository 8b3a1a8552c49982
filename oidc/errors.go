package oidc

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Each maps to one of the documented login errors; the
// typed errors below wrap one of them, so callers branch with [errors.Is]
// and read details with [errors.As].
var (
	// ErrInvalidState reports a state value that is malformed, tampered
	// with, expired, replayed or not bound to this browser.
	ErrInvalidState = errors.New("oidc: invalid authentication state")
	// ErrCodeExchange reports that the token endpoint refused the
	// authorization code or could not be reached.
	ErrCodeExchange = errors.New("oidc: failed to exchange the authorization code")
	// ErrIdentity reports an ID token (or userinfo answer) that failed
	// verification, so the user's identity could not be extracted.
	ErrIdentity = errors.New("oidc: failed to extract the user's identity")
	// ErrAuthorization reports an error answer from the authorization
	// endpoint (for example access_denied).
	ErrAuthorization = errors.New("oidc: the identity provider refused the login")
	// ErrDiscovery reports that the provider's discovery document could not
	// be fetched or is not acceptable.
	ErrDiscovery = errors.New("oidc: provider discovery failed")
	// ErrRefresh reports a refresh that failed for a reason other than a
	// revoked or expired refresh token (network, server error...).
	ErrRefresh = errors.New("oidc: token refresh failed")
	// ErrRefreshRevoked reports a refresh token that the provider no longer
	// accepts (invalid_grant): revoked, expired, or already rotated. Sync
	// should remove the user's IdP-derived permissions.
	ErrRefreshRevoked = errors.New("oidc: refresh token revoked or expired")
)

// StateError describes why a state value was refused. It wraps
// [ErrInvalidState].
type StateError struct {
	// Reason is a short, safe description: "malformed", "tampered",
	// "expired", "replayed", "not bound to this browser".
	Reason string
}

// Error returns a message safe to show to the user.
func (e *StateError) Error() string { return ErrInvalidState.Error() + ": " + e.Reason }

// Unwrap returns [ErrInvalidState].
func (e *StateError) Unwrap() error { return ErrInvalidState }

// AuthorizationError is the error answer of the authorization endpoint
// (RFC 6749 section 4.1.2.1). It wraps [ErrAuthorization].
type AuthorizationError struct {
	Code        string // e.g. "access_denied"
	Description string // error_description as sent by the provider
}

// Error returns a message safe to show to the user.
func (e *AuthorizationError) Error() string {
	return fmt.Sprintf("%v: %q", ErrAuthorization, clip(e.Code))
}

// Unwrap returns [ErrAuthorization].
func (e *AuthorizationError) Unwrap() error { return ErrAuthorization }

// ExchangeError reports a failed call to the token endpoint during login. It
// wraps [ErrCodeExchange] and the underlying cause (for example a
// *oauth2.RetrieveError or a context error).
type ExchangeError struct {
	Code        string // OAuth2 error code from the provider, if any ("invalid_grant")
	Description string // error_description from the provider, if any
	Err         error
}

// Error returns a message safe to show to the user.
func (e *ExchangeError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%v: %q", ErrCodeExchange, clip(e.Code))
	}
	return ErrCodeExchange.Error()
}

// Unwrap returns [ErrCodeExchange] and the cause.
func (e *ExchangeError) Unwrap() []error { return []error{ErrCodeExchange, e.Err} }

// RefreshError reports a failed refresh. It wraps [ErrRefreshRevoked] when
// the provider answered invalid_grant, [ErrRefresh] otherwise, and the cause.
type RefreshError struct {
	Code        string
	Description string
	Revoked     bool
	Err         error
}

// Error returns a message safe to show to the user.
func (e *RefreshError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%v: %q", e.sentinel(), clip(e.Code))
	}
	return e.sentinel().Error()
}

func (e *RefreshError) sentinel() error {
	if e.Revoked {
		return ErrRefreshRevoked
	}
	return ErrRefresh
}

// Unwrap returns [ErrRefreshRevoked] or [ErrRefresh], and the cause.
func (e *RefreshError) Unwrap() []error { return []error{e.sentinel(), e.Err} }

// identityError is embedded by the typed verification errors below so they
// all satisfy errors.Is(err, ErrIdentity).
type identityError struct{}

// Unwrap returns [ErrIdentity].
func (identityError) Unwrap() error { return ErrIdentity }

// SignatureError reports an ID token whose signature could not be verified:
// malformed, signed by an unknown key (even after refreshing the key set) or
// simply wrong.
type SignatureError struct {
	identityError
	KeyID string // kid of the token header, if readable
	Err   error  // cause from go-oidc, for logs
}

// Error returns a message safe to show to the user.
func (e *SignatureError) Error() string { return "oidc: ID token signature is invalid" }

// Unwrap returns [ErrIdentity] and the cause.
func (e *SignatureError) Unwrap() []error { return []error{ErrIdentity, e.Err} }

// AlgorithmError reports a token signed with an algorithm that is not
// allowed ("none", HS256, or one outside Config.SigningAlgorithms).
type AlgorithmError struct {
	identityError
	Got     string
	Allowed []string
}

// Error returns a message safe to show to the user.
func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("oidc: signing algorithm %q is not allowed (allowed: %s)", clip(e.Got), strings.Join(e.Allowed, ", "))
}

// IssuerError reports an unexpected issuer, in the ID token or in the iss
// parameter of the authorization response (RFC 9207).
type IssuerError struct {
	identityError
	Got, Want string
}

// Error returns a message safe to show to the user.
func (e *IssuerError) Error() string {
	return fmt.Sprintf("oidc: issuer %q does not match %q", clip(e.Got), e.Want)
}

// AudienceError reports an ID token whose aud does not contain the client ID.
type AudienceError struct {
	identityError
	Got  []string
	Want string
}

// Error returns a message safe to show to the user.
func (e *AudienceError) Error() string {
	return fmt.Sprintf("oidc: audience %q does not contain client %q", clip(strings.Join(e.Got, " ")), e.Want)
}

// AuthorizedPartyError reports a missing azp with several audiences, or an
// azp that is not this client.
type AuthorizedPartyError struct {
	identityError
	Got, Want string
}

// Error returns a message safe to show to the user.
func (e *AuthorizedPartyError) Error() string {
	return fmt.Sprintf("oidc: authorized party %q is not client %q", clip(e.Got), e.Want)
}

// ExpiredError reports an ID token past its exp (plus the allowed skew), or
// one without exp.
type ExpiredError struct {
	identityError
	Expiry, Now time.Time
}

// Error returns a message safe to show to the user.
func (e *ExpiredError) Error() string {
	return fmt.Sprintf("oidc: ID token expired at %s", e.Expiry.UTC().Format(time.RFC3339))
}

// IssuedAtError reports an ID token without iat or issued in the future
// (beyond the allowed skew).
type IssuedAtError struct {
	identityError
	IssuedAt, Now time.Time
}

// Error returns a message safe to show to the user.
func (e *IssuedAtError) Error() string {
	if e.IssuedAt.IsZero() {
		return "oidc: ID token has no iat"
	}
	return fmt.Sprintf("oidc: ID token issued in the future (%s)", e.IssuedAt.UTC().Format(time.RFC3339))
}

// NotBeforeError reports an ID token whose nbf is in the future (beyond
// the allowed skew).
type NotBeforeError struct {
	identityError
	NotBefore, Now time.Time
}

// Error returns a message safe to show to the user.
func (e *NotBeforeError) Error() string {
	return fmt.Sprintf("oidc: ID token not valid before %s", e.NotBefore.UTC().Format(time.RFC3339))
}

// NonceError reports an ID token whose nonce is missing or differs from the
// one sent in the authorization request. The values are secrets and are not
// included.
type NonceError struct{ identityError }

// Error returns a message safe to show to the user.
func (e *NonceError) Error() string { return "oidc: ID token nonce does not match the login" }

// AccessTokenHashError reports an at_hash that does not match the access
// token returned with the ID token.
type AccessTokenHashError struct {
	identityError
	Err error
}

// Error returns a message safe to show to the user.
func (e *AccessTokenHashError) Error() string {
	return "oidc: at_hash does not match the access token"
}

// Unwrap returns [ErrIdentity] and the cause.
func (e *AccessTokenHashError) Unwrap() []error { return []error{ErrIdentity, e.Err} }

// TenantError reports an Entra ID (Azure AD) token from another tenant than
// the pinned Config.TenantID, or without a usable tid.
type TenantError struct {
	identityError
	Got, Want string
}

// Error returns a message safe to show to the user.
func (e *TenantError) Error() string {
	return fmt.Sprintf("oidc: tenant %q is not %q", clip(e.Got), e.Want)
}

// SubjectError reports a subject that differs from the one it must equal:
// the userinfo sub versus the ID token sub, or a refreshed ID token versus
// the user being refreshed.
type SubjectError struct {
	identityError
	Source    string // "userinfo" or "refreshed ID token"
	Got, Want string
}

// Error returns a message safe to show to the user.
func (e *SubjectError) Error() string {
	return fmt.Sprintf("oidc: %s subject %q does not match %q", e.Source, clip(e.Got), e.Want)
}

// ClaimsError reports an ID token or userinfo answer that is missing a
// required element or cannot be read.
type ClaimsError struct {
	identityError
	Reason string
	Err    error
}

// Error returns a message safe to show to the user.
func (e *ClaimsError) Error() string { return "oidc: " + e.Reason }

// Unwrap returns [ErrIdentity] and the cause, if any.
func (e *ClaimsError) Unwrap() []error { return []error{ErrIdentity, e.Err} }

// clip bounds a provider-supplied value shown in an error message.
func clip(s string) string {
	const limit = 100
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
