package redisstore

import (
	"errors"
)

// Sentinel errors, wrapped by the typed errors below and tested with
// errors.Is.
var (
	// ErrUnavailable reports that Redis could not answer: unreachable,
	// timing out, refusing the command, or the caller's context ended. The
	// store fails closed: a replay check that returns it never reports a
	// key as unseen.
	ErrUnavailable = errors.New("redisstore: redis unavailable")

	// ErrCorrupt reports a stored token record that cannot be decoded, for
	// example because another program wrote under the same key prefix.
	ErrCorrupt = errors.New("redisstore: stored record is corrupt")
)

// UnavailableError reports a failed Redis round trip. It matches
// ErrUnavailable with errors.Is; Unwrap returns the cause (a network error,
// context.DeadlineExceeded, a Redis error reply, ...).
type UnavailableError struct {
	Op  string // the store method, e.g. "seen" or "claim"
	Err error  // the cause
}

// Error returns a message that is safe to show: it names the operation but
// not the cause, which may carry network addresses. Log the cause through
// Unwrap.
func (e *UnavailableError) Error() string {
	return "redisstore: " + e.Op + ": redis unavailable"
}

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// ConfigError reports an invalid Config field found by New.
type ConfigError struct {
	Field  string // the Config field, e.g. "Prefix"
	Reason string // what is wrong with it
}

// Error returns a message that is safe to show.
func (e *ConfigError) Error() string {
	return "redisstore: invalid config " + e.Field + ": " + e.Reason
}

// CorruptError reports a stored token record that cannot be decoded. It
// matches ErrCorrupt with errors.Is.
type CorruptError struct {
	UserID string // the user whose record is corrupt
	Reason string // what is wrong with it
}

// Error returns a message that is safe to show.
func (e *CorruptError) Error() string {
	return "redisstore: stored record is corrupt: " + e.Reason
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }
