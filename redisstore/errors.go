package redisstore

import (
	"context"
	"errors"
	"net"

	"github.com/redis/go-redis/v9"
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

// Error returns a message that is safe to show: it names the operation and
// the kind of failure (timed out, network error, canceled, or the Redis
// error reply) but not network errors' text, which carries addresses. Log
// the full cause through Unwrap.
func (e *UnavailableError) Error() string {
	msg := "redisstore: " + e.Op + ": redis unavailable"
	if kind := failureKind(e.Err); kind != "" {
		msg += " (" + kind + ")"
	}
	return msg
}

// maxReplyLen bounds the Redis error reply quoted by Error.
const maxReplyLen = 120

func failureKind(err error) string {
	var reply redis.Error
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.As(err, &ne):
		return "network error"
	case errors.As(err, &reply):
		msg := reply.Error()
		if len(msg) > maxReplyLen {
			msg = msg[:maxReplyLen] + "..."
		}
		return "server replied: " + msg
	}
	return ""
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
