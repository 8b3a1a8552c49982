package jwtsso

import (
	"context"
	"strconv"
	"time"
)

// ReplayCache remembers keys (assertion IDs, jti values) until they expire.
type ReplayCache interface {
	// Seen records key until the given time and reports whether it was
	// already recorded and not yet expired. It must be atomic.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// replayKey namespaces a jti by verifying key and issuer, so two partners
// (or two keys) sharing a cache cannot collide or block each other. The
// key's fingerprint comes first and the issuer is length-prefixed, so no
// choice of iss and jti can produce another key's entry.
func replayKey(c *Claims, e *keyEntry) string {
	return "jwtsso\x00" + e.ns + "\x00" + strconv.Itoa(len(c.Issuer)) + ":" + c.Issuer + c.JTI
}

// replayUntil is the first instant at which the token can no longer be
// accepted: iat + margin, or exp if that is earlier. The jti is kept until
// then and not a moment less.
func (v *Verifier) replayUntil(c *Claims) time.Time {
	until := c.IssuedAt.Add(v.cfg.IssuedAtMargin)
	if !c.Expires.IsZero() && c.Expires.Before(until) {
		until = c.Expires
	}
	return until
}

// checkReplay records the jti, failing closed when the cache fails.
func (v *Verifier) checkReplay(ctx context.Context, c *Claims, e *keyEntry) error {
	seen, err := v.cfg.ReplayCache.Seen(ctx, replayKey(c, e), v.replayUntil(c))
	if err != nil {
		return &replayCacheError{err: err}
	}
	if seen {
		return &ReplayError{JTI: c.JTI}
	}
	return nil
}

// replayCacheError wraps a cache failure with ErrReplayCache.
type replayCacheError struct{ err error }

func (e *replayCacheError) Error() string   { return ErrReplayCache.Error() }
func (e *replayCacheError) Unwrap() []error { return []error{ErrReplayCache, e.err} }
