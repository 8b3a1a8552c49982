package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Seen records key until the time until and reports whether key was already
// recorded and had not yet expired. It is one atomic SET NX PXAT round trip:
// of many concurrent callers on any number of instances, exactly one gets
// false. Redis expires the entry at until, judged by the Redis server's
// clock.
//
// Seen fails closed: when Redis cannot answer it returns true and an error
// matching ErrUnavailable, never false. It implements the ReplayCache
// interface of the saml and jwtsso packages.
func (s *Store) Seen(ctx context.Context, key string, until time.Time) (bool, error) {
	ctx, cancel := s.call(ctx)
	defer cancel()
	err := s.client.Do(ctx, "set", s.ReplayKey(key), "1", "nx", "pxat", expiryMillis(until)).Err()
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, redis.Nil):
		return true, nil
	}
	return true, unavailable("seen", err)
}

// expiryMillis is until in Unix milliseconds, rounded up so that an entry
// never expires before until, and at least 1 because Redis rejects
// non-positive expiry times (an entry that expired before 1970 is expired
// all the same).
func expiryMillis(until time.Time) int64 {
	ms := until.UnixMilli()
	if until.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return max(ms, 1)
}

// ReplayKey returns the Redis key under which Seen records key: the prefix,
// "replay:" and the unpadded base64url SHA-256 of key, so that keys of any
// length and content take 50 bytes plus the prefix.
func (s *Store) ReplayKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	buf := make([]byte, 0, len(s.prefix)+len("replay:")+43)
	buf = append(buf, s.prefix...)
	buf = append(buf, "replay:"...)
	buf = base64.RawURLEncoding.AppendEncode(buf, sum[:])
	return string(buf)
}
