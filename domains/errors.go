package domains

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every typed error below wraps one of them, so callers can
// test the class with [errors.Is] and read the details with [errors.As].
var (
	// ErrInvalidName: the name is not a valid DNS domain name.
	ErrInvalidName = errors.New("domains: invalid domain name")
	// ErrPublicSuffix: the name is a public suffix (com, co.uk, github.io).
	ErrPublicSuffix = errors.New("domains: public suffix")
	// ErrConsumerDomain: the name is (under) a consumer mail domain.
	ErrConsumerDomain = errors.New("domains: consumer mail domain")
	// ErrConflict: another tenant holds the domain verified.
	ErrConflict = errors.New("domains: domain verified by another tenant")
	// ErrNotFound: the tenant has not claimed the domain.
	ErrNotFound = errors.New("domains: domain not claimed")
	// ErrExists: the tenant already has a record for the domain.
	ErrExists = errors.New("domains: domain already claimed")
	// ErrStale: an update was based on an old version of the record.
	ErrStale = errors.New("domains: record changed concurrently")
	// ErrNotVerified: the DNS proof was looked up and did not match.
	ErrNotVerified = errors.New("domains: verification record not found")
	// ErrTemporary: the DNS lookup failed in a way that may pass later
	// (timeout, SERVFAIL); nothing was changed.
	ErrTemporary = errors.New("domains: temporary DNS failure, try again")
	// ErrState: the operation is not allowed in the record's state.
	ErrState = errors.New("domains: operation not allowed in this state")
	// ErrOperator: an operator action lacks the operator's name or reason.
	ErrOperator = errors.New("domains: operator and reason required")
	// ErrNoTenant: the tenant is empty.
	ErrNoTenant = errors.New("domains: tenant required")
)

// NameError reports a name refused by [Normalize]. Kind is one of
// [ErrInvalidName], [ErrPublicSuffix] or [ErrConsumerDomain]; Reason says
// why in words.
type NameError struct {
	Name   string // the input, truncated to 256 bytes
	Kind   error
	Reason string
}

// Error names the refused domain and why; safe to show.
func (e *NameError) Error() string {
	return fmt.Sprintf("%v: %q: %s", e.Kind, e.Name, e.Reason)
}

// Unwrap returns the sentinel.
func (e *NameError) Unwrap() error { return e.Kind }

// ConflictError reports that another tenant holds Name verified. Holder is
// for operators and logs; Error() does not show it, so the message is safe
// to show to the tenant that was refused.
type ConflictError struct {
	Name   string
	Tenant string // the tenant that was refused
	Holder string // the tenant holding the domain verified
}

// Error says the domain is held by another tenant without naming it.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("domains: %s is already verified by another organisation; an operator can transfer it", e.Name)
}

// Unwrap returns [ErrConflict].
func (e *ConflictError) Unwrap() error { return ErrConflict }

// NotFoundError reports that Tenant has no record for Name.
type NotFoundError struct {
	Tenant, Name string
}

// Error names the tenant and domain that have no record.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("domains: %s is not claimed by this organisation", e.Name)
}

// Unwrap returns [ErrNotFound].
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// StateError reports an operation refused in the record's current state.
type StateError struct {
	Name  string
	State State
	Op    string
}

// Error says which state the domain is in and what that forbids.
func (e *StateError) Error() string {
	return fmt.Sprintf("domains: cannot %s %s while it is %s", e.Op, e.Name, e.State)
}

// Unwrap returns [ErrState].
func (e *StateError) Unwrap() error { return ErrState }

// ProofError reports a DNS proof that was answered but did not match: no
// record at RecordName (NXDOMAIN or no TXT data) or only other values. The
// domain stays pending.
type ProofError struct {
	Name       string
	RecordName string
	Result     Result
}

// Error gives the DNS proof result in words.
func (e *ProofError) Error() string {
	return fmt.Sprintf("domains: %s not verified: %s", e.Name, e.Result.Words(e.RecordName))
}

// Unwrap returns [ErrNotVerified].
func (e *ProofError) Unwrap() error { return ErrNotVerified }

// TemporaryError reports a lookup that failed for a reason that may pass
// (timeout, SERVFAIL, refused, network). Nothing was changed; try again.
type TemporaryError struct {
	Name       string
	RecordName string
	Err        error
}

// Error says the lookup should be tried again; the resolver error is in Unwrap.
func (e *TemporaryError) Error() string {
	return fmt.Sprintf("domains: could not look up %s right now, try again", e.RecordName)
}

// Is reports whether target is [ErrTemporary].
func (e *TemporaryError) Is(target error) bool { return target == ErrTemporary }

// Unwrap returns the resolver's error.
func (e *TemporaryError) Unwrap() error { return e.Err }
