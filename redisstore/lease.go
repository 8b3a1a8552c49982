package redisstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxLeaseKeyLen bounds the key passed to Acquire.
const MaxLeaseKeyLen = 512

// ErrLeaseKey reports a lease key that is empty or longer than
// MaxLeaseKeyLen, or a ttl that is not positive.
var ErrLeaseKey = errors.New("redisstore: invalid lease key or ttl")

// leaseTokenBytes is the entropy of a lease token: 128 bits.
const leaseTokenBytes = 16

// releaseScript deletes KEYS[1] only if it still holds the token ARGV[1],
// so a holder whose lease expired and was taken by another never ends the
// new holder's lease.
var releaseScript = redis.NewScript(`
if redis.call("get", KEYS[1]) == ARGV[1] then
	return redis.call("del", KEYS[1])
end
return 0
`)

// Acquire takes the lease on key for ttl: one SET key token NX PX ttl with
// a fresh random token, under the key LeaseKey(key). It returns ok true and
// a release function when this caller now holds the lease, and ok false
// when another holder does. The lease expires by itself after ttl (judged
// by the Redis server's clock) if it is not released.
//
// Release deletes the key by a Lua compare-and-delete on the token, so a
// release that comes after the lease expired and was taken again leaves
// the new holder's lease alone (and returns nil: there was nothing of its
// own left to end). It fails with ErrUnavailable when Redis cannot answer;
// the lease then expires at ttl.
//
// Acquire fails closed: when Redis cannot answer it returns ok false and an
// error matching ErrUnavailable. It implements the Leaser interface of
// package domains. There is no fencing token: callers that need one must
// make their writes compare-and-swap (the domains store does, on its
// record version).
func (s *Store) Acquire(ctx context.Context, key string, ttl time.Duration) (release func(context.Context) error, ok bool, err error) {
	if key == "" || len(key) > MaxLeaseKeyLen || ttl <= 0 {
		return nil, false, ErrLeaseKey
	}
	b := make([]byte, leaseTokenBytes)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, false, fmt.Errorf("redisstore: reading lease token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	rkey := s.LeaseKey(key)
	cctx, cancel := s.call(ctx)
	defer cancel()
	err = s.client.Do(cctx, "set", rkey, token, "nx", "px", leaseMillis(ttl)).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, unavailable("acquire", err)
	}
	return func(ctx context.Context) error {
		ctx, cancel := s.call(ctx)
		defer cancel()
		if err := releaseScript.Run(ctx, s.client, []string{rkey}, token).Err(); err != nil {
			return unavailable("release", err)
		}
		return nil
	}, true, nil
}

// leaseMillis is ttl in whole milliseconds, rounded up, as PX takes them,
// so a lease never ends before ttl.
func leaseMillis(ttl time.Duration) int64 {
	return int64((ttl + time.Millisecond - 1) / time.Millisecond)
}

// LeaseKey returns the Redis key under which Acquire holds key: the prefix,
// "lease:" and key.
func (s *Store) LeaseKey(key string) string {
	return s.prefix + "lease:" + key
}
