package saml

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can branch with errors.Is; the typed errors below carry the
// details and can be extracted with errors.As.
var (
	// ErrConfig reports an invalid Config or IdP given to New.
	ErrConfig = errors.New("saml: invalid configuration")
	// ErrMetadata reports IdP metadata that cannot be used.
	ErrMetadata = errors.New("saml: invalid IdP metadata")
	// ErrTooLarge reports a request or document above the configured size.
	ErrTooLarge = errors.New("saml: input too large")
	// ErrMalformed reports a response that is not well-formed SAML.
	ErrMalformed = errors.New("saml: malformed response")
	// ErrForbiddenXML reports a DOCTYPE, entity declaration or other XML
	// construct that a SAML response never needs.
	ErrForbiddenXML = errors.New("saml: forbidden XML construct")
	// ErrSignature reports a missing, untrusted or invalid XML signature.
	ErrSignature = errors.New("saml: signature invalid")
	// ErrIssuer reports an issuer other than the configured IdP.
	ErrIssuer = errors.New("saml: wrong issuer")
	// ErrDestination reports a response Destination other than our ACS URL.
	ErrDestination = errors.New("saml: wrong destination")
	// ErrRecipient reports a SubjectConfirmationData Recipient other than
	// our ACS URL.
	ErrRecipient = errors.New("saml: wrong recipient")
	// ErrAudience reports an assertion not addressed to our entity ID.
	ErrAudience = errors.New("saml: audience mismatch")
	// ErrExpired reports an assertion whose validity window has passed.
	ErrExpired = errors.New("saml: assertion expired")
	// ErrNotYetValid reports an assertion whose validity window has not
	// started.
	ErrNotYetValid = errors.New("saml: assertion not yet valid")
	// ErrInResponseTo reports an InResponseTo naming no request we issued.
	ErrInResponseTo = errors.New("saml: unknown InResponseTo")
	// ErrUnsolicited reports an IdP-initiated response while IdP-initiated
	// login is disabled.
	ErrUnsolicited = errors.New("saml: unsolicited response")
	// ErrReplay reports an assertion ID that was already accepted.
	ErrReplay = errors.New("saml: assertion replayed")
	// ErrReplayCache reports that the replay cache could not be asked (a
	// shared store is down). The response is refused: a replay check is
	// never skipped. The cache's own error is wrapped beside it.
	ErrReplayCache = errors.New("saml: replay cache unavailable")
	// ErrStatus reports a response whose status is not Success.
	ErrStatus = errors.New("saml: IdP returned an error status")
	// ErrDuplicateAttribute reports an attribute sent twice.
	ErrDuplicateAttribute = errors.New("saml: duplicate attribute")
	// ErrDecrypt reports an encrypted assertion that cannot be decrypted.
	ErrDecrypt = errors.New("saml: cannot decrypt assertion")
	// ErrSubject reports a missing or unusable Subject or confirmation.
	ErrSubject = errors.New("saml: invalid subject")
)

// MalformedError describes why a response is not acceptable SAML.
type MalformedError struct {
	Reason string // what is wrong, safe to show
	Err    error  // underlying parser error, if any
}

// Error describes the failure; the text is safe to show.
func (e *MalformedError) Error() string { return "saml: malformed response: " + e.Reason }

// Unwrap returns the underlying parser error.
func (e *MalformedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrMalformed.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// SignatureError reports which element failed signature validation.
type SignatureError struct {
	Element string // "Response", "Assertion" or "AuthnRequest"
	Reason  string // e.g. "missing", "untrusted certificate", "invalid"
	Err     error  // cause from goxmldsig, if any
}

// Error describes the failure; the text is safe to show.
func (e *SignatureError) Error() string {
	return fmt.Sprintf("saml: %s signature %s", e.Element, e.Reason)
}

// Unwrap returns the cause reported by goxmldsig.
func (e *SignatureError) Unwrap() error { return e.Err }

// Is reports whether target is ErrSignature.
func (e *SignatureError) Is(target error) bool { return target == ErrSignature }

// IssuerError reports an unexpected Issuer.
type IssuerError struct {
	Element string // "Response" or "Assertion"
	Got     string
	Want    string
}

// Error describes the failure; the text is safe to show.
func (e *IssuerError) Error() string {
	return fmt.Sprintf("saml: %s issuer is %q, want %q", e.Element, e.Got, e.Want)
}

// Is reports whether target is ErrIssuer.
func (e *IssuerError) Is(target error) bool { return target == ErrIssuer }

// DestinationError reports an unexpected response Destination.
type DestinationError struct{ Got, Want string }

// Error describes the failure; the text is safe to show.
func (e *DestinationError) Error() string {
	return fmt.Sprintf("saml: response destination is %q, want %q", e.Got, e.Want)
}

// Is reports whether target is ErrDestination.
func (e *DestinationError) Is(target error) bool { return target == ErrDestination }

// RecipientError reports an unexpected SubjectConfirmationData Recipient.
type RecipientError struct{ Got, Want string }

// Error describes the failure; the text is safe to show.
func (e *RecipientError) Error() string {
	return fmt.Sprintf("saml: subject confirmation recipient is %q, want %q", e.Got, e.Want)
}

// Is reports whether target is ErrRecipient.
func (e *RecipientError) Is(target error) bool { return target == ErrRecipient }

// AudienceError reports an assertion restricted to other audiences.
type AudienceError struct {
	Got  []string // audiences in the assertion
	Want string   // our entity ID
}

// Error describes the failure; the text is safe to show.
func (e *AudienceError) Error() string {
	return fmt.Sprintf("saml: audience is [%s], want %q", strings.Join(e.Got, ", "), e.Want)
}

// Is reports whether target is ErrAudience.
func (e *AudienceError) Is(target error) bool { return target == ErrAudience }

// TimeError reports a time condition that does not hold at Now.
type TimeError struct {
	Field string    // e.g. "Conditions NotOnOrAfter"
	Bound time.Time // the limit read from the assertion
	Now   time.Time // the verifier's clock
	Skew  time.Duration
}

// Error describes the failure; the text is safe to show.
func (e *TimeError) Error() string {
	if e.Now.Before(e.Bound) {
		return fmt.Sprintf("saml: assertion not valid before %s (%s; now %s, skew %s)",
			e.Bound.UTC().Format(time.RFC3339), e.Field, e.Now.UTC().Format(time.RFC3339), e.Skew)
	}
	return fmt.Sprintf("saml: assertion expired at %s (%s; now %s, skew %s)",
		e.Bound.UTC().Format(time.RFC3339), e.Field, e.Now.UTC().Format(time.RFC3339), e.Skew)
}

// Is reports whether target is ErrNotYetValid or ErrExpired, whichever
// applies.
func (e *TimeError) Is(target error) bool {
	if e.Now.Before(e.Bound) {
		return target == ErrNotYetValid
	}
	return target == ErrExpired
}

// InResponseToError reports a response to a request we did not issue, or an
// unsolicited response while IdP-initiated login is disabled (Got empty).
type InResponseToError struct {
	Got string
}

// Error describes the failure; the text is safe to show.
func (e *InResponseToError) Error() string {
	if e.Got == "" {
		return "saml: unsolicited response (no InResponseTo) and IdP-initiated login is disabled"
	}
	return fmt.Sprintf("saml: InResponseTo %q names no request issued by this service provider", e.Got)
}

// Is reports whether target is ErrUnsolicited (Got empty) or
// ErrInResponseTo.
func (e *InResponseToError) Is(target error) bool {
	if e.Got == "" {
		return target == ErrUnsolicited
	}
	return target == ErrInResponseTo
}

// ReplayError reports an assertion ID seen before.
type ReplayError struct{ ID string }

// Error describes the failure; the text is safe to show.
func (e *ReplayError) Error() string { return fmt.Sprintf("saml: assertion %q was already used", e.ID) }

// Is reports whether target is ErrReplay.
func (e *ReplayError) Is(target error) bool { return target == ErrReplay }

// StatusError carries a non-success status returned by the IdP. Message is
// the IdP's StatusMessage: it comes from the IdP and may be unsigned, so
// show it as the IdP's words, not ours.
type StatusError struct {
	Code    string
	SubCode string
	Message string
}

// Error describes the failure; the text is safe to show.
func (e *StatusError) Error() string {
	s := "saml: IdP returned status " + shortStatus(e.Code)
	if e.SubCode != "" {
		s += "/" + shortStatus(e.SubCode)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is reports whether target is ErrStatus.
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

func shortStatus(code string) string {
	return strings.TrimPrefix(code, "urn:oasis:names:tc:SAML:2.0:status:")
}

// DuplicateAttributeError names an attribute that appears more than once.
type DuplicateAttributeError struct{ Name string }

// Error describes the failure; the text is safe to show.
func (e *DuplicateAttributeError) Error() string {
	return fmt.Sprintf("saml: attribute %q appears more than once", e.Name)
}

// Is reports whether target is ErrDuplicateAttribute.
func (e *DuplicateAttributeError) Is(target error) bool { return target == ErrDuplicateAttribute }

// SizeError reports an input above a configured limit.
type SizeError struct {
	What  string
	Limit int
}

// Error describes the failure; the text is safe to show.
func (e *SizeError) Error() string {
	return fmt.Sprintf("saml: %s larger than %d bytes", e.What, e.Limit)
}

// Is reports whether target is ErrTooLarge.
func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

func malformed(reason string, err error) error { return &MalformedError{Reason: reason, Err: err} }

func subjectErr(reason string) error { return fmt.Errorf("%w: %s", ErrSubject, reason) }
