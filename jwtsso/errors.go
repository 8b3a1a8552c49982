package jwtsso

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error returned by [Verifier.Verify] and the
// redirect helpers wraps exactly one of them, so callers can branch with
// [errors.Is]; the typed errors below carry the details for [errors.As].
var (
	// ErrTokenTooLarge: the token is longer than Config.MaxTokenSize and
	// was rejected before any parsing or cryptography.
	ErrTokenTooLarge = errors.New("jwtsso: token too large")
	// ErrMalformed: the token is not a compact JWS with a JSON object as
	// payload, or a claim has the wrong type.
	ErrMalformed = errors.New("jwtsso: malformed token")
	// ErrAlgorithm: the token's alg is not in the configured allow-list, or
	// does not match the algorithm of the key it names.
	ErrAlgorithm = errors.New("jwtsso: algorithm not allowed")
	// ErrUnknownKey: no configured key matches the token's kid (or, without
	// a kid, no key exists for its algorithm).
	ErrUnknownKey = errors.New("jwtsso: unknown signing key")
	// ErrBadSignature: the signature does not verify with any candidate key.
	ErrBadSignature = errors.New("jwtsso: bad signature")
	// ErrMissingClaim: a required claim (iat, jti, email) is absent.
	ErrMissingClaim = errors.New("jwtsso: missing claim")
	// ErrInvalidEmail: the email claim is not a plain email address.
	ErrInvalidEmail = errors.New("jwtsso: invalid email")
	// ErrStale: iat lies further in the past than Config.IssuedAtMargin.
	ErrStale = errors.New("jwtsso: token is stale")
	// ErrIssuedInFuture: iat lies further in the future than
	// Config.IssuedAtMargin.
	ErrIssuedInFuture = errors.New("jwtsso: token issued in the future")
	// ErrExpired: the token's exp has passed.
	ErrExpired = errors.New("jwtsso: token expired")
	// ErrNotYetValid: the token's nbf lies in the future.
	ErrNotYetValid = errors.New("jwtsso: token not yet valid")
	// ErrReplayed: the token's jti was already accepted.
	ErrReplayed = errors.New("jwtsso: token replayed")
	// ErrReplayCache: the replay cache failed; the token is rejected
	// (fail closed).
	ErrReplayCache = errors.New("jwtsso: replay cache unavailable")
	// ErrIssuer: the iss claim differs from Config.Issuer.
	ErrIssuer = errors.New("jwtsso: issuer mismatch")
	// ErrAudience: the aud claim does not contain Config.Audience.
	ErrAudience = errors.New("jwtsso: audience mismatch")
	// ErrKeySet: the JWKS URL could not be fetched or parsed.
	ErrKeySet = errors.New("jwtsso: key set unavailable")
	// ErrReturnTo: a return_to value is not a URL on the tenant's own
	// origin.
	ErrReturnTo = errors.New("jwtsso: return_to rejected")
	// ErrConfig: New was given an invalid Config.
	ErrConfig = errors.New("jwtsso: invalid config")
)

// MalformedError reports why a token could not be parsed.
type MalformedError struct {
	Reason string // e.g. `claim "iat" is not a number`
	Err    error  // underlying parser error, if any
}

// Error implements error; the text is safe to show to the user.
func (e *MalformedError) Error() string { return "jwtsso: malformed token: " + e.Reason }

// Unwrap returns the parser's error (for logs) and ErrMalformed.
func (e *MalformedError) Unwrap() []error { return causes(ErrMalformed, e.Err) }

// AlgorithmError reports a token algorithm that the configuration does not
// allow, or that differs from the algorithm of the key named by kid.
type AlgorithmError struct {
	Got     string   // alg from the token header
	Allowed []string // the allow-list (or the named key's algorithm)
}

// Error implements error; the text is safe to show to the user.
func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("jwtsso: algorithm %q not allowed (allowed: %s)", clip(e.Got), strings.Join(e.Allowed, ", "))
}

// Unwrap returns ErrAlgorithm.
func (e *AlgorithmError) Unwrap() error { return ErrAlgorithm }

// UnknownKeyError reports a kid (possibly empty) that matches no key.
type UnknownKeyError struct {
	KeyID     string // kid from the token header; empty when absent
	Algorithm string // alg from the token header
}

// Error implements error; the text is safe to show to the user.
func (e *UnknownKeyError) Error() string {
	if e.KeyID == "" {
		return fmt.Sprintf("jwtsso: no key for algorithm %q", clip(e.Algorithm))
	}
	return fmt.Sprintf("jwtsso: unknown key id %q", clip(e.KeyID))
}

// Unwrap returns ErrUnknownKey.
func (e *UnknownKeyError) Unwrap() error { return ErrUnknownKey }

// SignatureError reports a signature that verified with no candidate key.
type SignatureError struct {
	KeyID string // kid from the token header; empty when absent
	Err   error  // the library's verification error
}

// Error implements error; the text is safe to show to the user.
func (e *SignatureError) Error() string { return "jwtsso: bad signature" }

// Unwrap returns ErrBadSignature and the library's error.
func (e *SignatureError) Unwrap() []error { return causes(ErrBadSignature, e.Err) }

// MissingClaimError names a required claim that is absent or empty.
type MissingClaimError struct {
	Claim string // "iat", "jti" or "email"
}

// Error implements error; the text is safe to show to the user.
func (e *MissingClaimError) Error() string {
	return fmt.Sprintf("jwtsso: missing claim %q", e.Claim)
}

// Unwrap returns ErrMissingClaim.
func (e *MissingClaimError) Unwrap() error { return ErrMissingClaim }

// EmailError reports an email claim that is not a plain address.
type EmailError struct {
	Reason string
}

// Error implements error; the text is safe to show to the user.
func (e *EmailError) Error() string { return "jwtsso: invalid email: " + e.Reason }

// Unwrap returns ErrInvalidEmail.
func (e *EmailError) Unwrap() error { return ErrInvalidEmail }

// TimeError reports a token judged too old, too new or expired against the
// verifier's clock. Unwrap gives ErrStale, ErrIssuedInFuture, ErrExpired or
// ErrNotYetValid.
type TimeError struct {
	Claim  string        // "iat", "exp" or "nbf"
	Value  time.Time     // the claim's time
	Now    time.Time     // the verifier's clock
	Margin time.Duration // the allowed margin
	kind   error
}

// Error implements error; the text is safe to show to the user.
func (e *TimeError) Error() string {
	return fmt.Sprintf("%v (%s %s, now %s, margin %s)", e.kind, e.Claim,
		e.Value.UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339), e.Margin)
}

// Unwrap returns the sentinel for the kind of failure.
func (e *TimeError) Unwrap() error { return e.kind }

// ReplayError reports a jti that was already accepted.
type ReplayError struct {
	JTI string
}

// Error implements error; the text is safe to show to the user.
func (e *ReplayError) Error() string {
	return fmt.Sprintf("jwtsso: token id %q already used", clip(e.JTI))
}

// Unwrap returns ErrReplayed.
func (e *ReplayError) Unwrap() error { return ErrReplayed }

// IssuerError reports an iss claim other than the configured issuer.
type IssuerError struct {
	Got, Want string
}

// Error implements error; the text is safe to show to the user.
func (e *IssuerError) Error() string {
	return fmt.Sprintf("jwtsso: issuer %q, want %q", clip(e.Got), e.Want)
}

// Unwrap returns ErrIssuer.
func (e *IssuerError) Unwrap() error { return ErrIssuer }

// AudienceError reports an aud claim without the configured audience.
type AudienceError struct {
	Got  []string
	Want string
}

// Error implements error; the text is safe to show to the user.
func (e *AudienceError) Error() string {
	return fmt.Sprintf("jwtsso: audience %q does not contain %q", clipList(e.Got), e.Want)
}

// Unwrap returns ErrAudience.
func (e *AudienceError) Unwrap() error { return ErrAudience }

// KeySetError reports a JWKS URL that could not be used.
type KeySetError struct {
	URL string
	Err error
}

// Error implements error; the text is safe to show to the user.
func (e *KeySetError) Error() string { return "jwtsso: key set " + e.URL + " unavailable" }

// Unwrap returns ErrKeySet and the cause.
func (e *KeySetError) Unwrap() []error { return causes(ErrKeySet, e.Err) }

// ReturnToError reports why a return_to value was refused.
type ReturnToError struct {
	Value  string // the value as received
	Reason string
}

// Error implements error; the text is safe to show to the user.
func (e *ReturnToError) Error() string { return "jwtsso: return_to rejected: " + e.Reason }

// Unwrap returns ErrReturnTo.
func (e *ReturnToError) Unwrap() error { return ErrReturnTo }

// ConfigError lists every problem New found in a Config.
type ConfigError struct {
	Problems []string
}

// Error implements error; the text is safe to show to the user.
func (e *ConfigError) Error() string {
	return "jwtsso: invalid config: " + strings.Join(e.Problems, "; ")
}

// Unwrap returns ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// causes lists a sentinel and a cause, leaving out a nil cause (errors.As
// must never see a nil error in the list).
func causes(sentinel, cause error) []error {
	if cause == nil {
		return []error{sentinel}
	}
	return []error{sentinel, cause}
}

// maxShown bounds how much of a token-supplied value an Error() repeats.
const maxShown = 64

// clip shortens a token-supplied value for an error message; %q then
// escapes whatever it contains.
func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	return s[:maxShown] + "..."
}

// clipList clips each value and keeps at most four.
func clipList(list []string) []string {
	out := make([]string, 0, 4)
	for i, s := range list {
		if i == 4 {
			out = append(out, "...")
			break
		}
		out = append(out, clip(s))
	}
	return out
}
