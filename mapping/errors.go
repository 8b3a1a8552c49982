package mapping

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can test the kind of failure with [errors.Is].
var (
	// ErrInvalidPath reports a claim path that does not parse.
	ErrInvalidPath = errors.New("mapping: invalid claim path")
	// ErrMissingClaim reports a required claim that is absent or null.
	ErrMissingClaim = errors.New("mapping: claim missing")
	// ErrClaimType reports a claim whose JSON type is not the one expected.
	ErrClaimType = errors.New("mapping: claim has the wrong type")
	// ErrInvalidEmail reports a claim value that is not an email address.
	ErrInvalidEmail = errors.New("mapping: invalid email address")
	// ErrEmailPattern reports an email that does not match the
	// connection's email pattern.
	ErrEmailPattern = errors.New("mapping: email does not match the email pattern")
	// ErrTooManyValues reports a claim with more values than the engine
	// accepts (see [MaxValues] and [MaxSpaces]).
	ErrTooManyValues = errors.New("mapping: claim has too many values")
	// ErrInvalidRules reports a rule or catalog that cannot be compiled.
	ErrInvalidRules = errors.New("mapping: invalid rules")
)

// PathError reports a claim path that does not parse. Offset is the byte
// offset in Path where the problem was found.
type PathError struct {
	Path   string
	Offset int
	Reason string
}

// Error implements error. The message is safe to show to an administrator.
func (e *PathError) Error() string {
	return fmt.Sprintf("mapping: invalid claim path %q at byte %d: %s", clip(e.Path), e.Offset, e.Reason)
}

// Unwrap returns [ErrInvalidPath].
func (e *PathError) Unwrap() error { return ErrInvalidPath }

// ClaimError reports a claim that is missing, has the wrong type or has too
// many values. Path is the claim path as written in the rules; Got describes
// what was found ("a number", "2 values") when the type is wrong. Err is
// [ErrMissingClaim], [ErrClaimType] or [ErrTooManyValues].
type ClaimError struct {
	Path string
	Got  string
	Want string
	Err  error
}

// Error implements error. The message names the claim but never quotes
// its value, so it is safe to show to the user who logged in.
func (e *ClaimError) Error() string {
	switch e.Err {
	case ErrMissingClaim:
		return fmt.Sprintf("mapping: claim %q is missing", clip(e.Path))
	case ErrTooManyValues:
		return fmt.Sprintf("mapping: claim %q has too many values: %s", clip(e.Path), e.Got)
	}
	return fmt.Sprintf("mapping: claim %q is %s, want %s", clip(e.Path), e.Got, e.Want)
}

// Unwrap returns the sentinel in Err.
func (e *ClaimError) Unwrap() error { return e.Err }

// EmailError reports a claim value that is not a single, plain email
// address (an addr-spec without display name or angle brackets). Claim
// names the claim path the value came from; Value is the normalised value
// for logs and is not part of Error.
type EmailError struct {
	Claim  string
	Value  string
	Reason string
}

// Error implements error. It names the claim, not the value.
func (e *EmailError) Error() string {
	if e.Claim == "" {
		return "mapping: not an email address: " + e.Reason
	}
	return fmt.Sprintf("mapping: claim %q is not an email address: %s", clip(e.Claim), e.Reason)
}

// Unwrap returns [ErrInvalidEmail].
func (e *EmailError) Unwrap() error { return ErrInvalidEmail }

// PatternError reports an email that does not match the connection's email
// pattern. Email is kept for logs and is not part of Error.
type PatternError struct {
	Email   string
	Pattern string
}

// Error implements error.
func (e *PatternError) Error() string {
	return fmt.Sprintf("mapping: email does not match the email pattern %q", clip(e.Pattern))
}

// Unwrap returns [ErrEmailPattern].
func (e *PatternError) Unwrap() error { return ErrEmailPattern }

// RuleError reports one invalid field of [Rules] or [CatalogConfig]. Field
// is the Go field name, with an index where it applies ("Permissions[3].Group").
// [Compile] and [NewCatalog] join every RuleError they find with
// [errors.Join], so one call reports every problem at once.
type RuleError struct {
	Field  string
	Reason string
	Err    error
}

// Error implements error.
func (e *RuleError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("mapping: %s: %s: %v", e.Field, e.Reason, e.Err)
	}
	return fmt.Sprintf("mapping: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidRules] and the underlying cause, if any.
func (e *RuleError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalidRules, e.Err}
	}
	return []error{ErrInvalidRules}
}

// clip bounds text quoted in error messages.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
