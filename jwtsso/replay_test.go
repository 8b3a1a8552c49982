package jwtsso_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/replay"
	"github.com/ssokit/ssokit/jwtsso"
)

// recordingCache is a real replay.Memory that also records each call.
type recordingCache struct {
	*replay.Memory
	mu    sync.Mutex
	keys  []string
	until []time.Time
}

func (r *recordingCache) Seen(ctx context.Context, key string, until time.Time) (bool, error) {
	r.mu.Lock()
	r.keys, r.until = append(r.keys, key), append(r.until, until)
	r.mu.Unlock()
	return r.Memory.Seen(ctx, key, until)
}

func TestReplayedJTIIsRejected(t *testing.T) {
	v, _ := newVerifier(t, nil)
	tok := hs256(t, claims())
	mustVerify(t, v, tok)
	_, err := v.Verify(context.Background(), tok)
	var re *jwtsso.ReplayError
	if !errors.As(err, &re) || re.JTI != "1795003200/abc" || !errors.Is(err, jwtsso.ErrReplayed) {
		t.Fatalf("second Verify: err = %v; want *ReplayError", err)
	}
	// A different token (other iat) with the same jti is a replay too.
	_, err = v.Verify(context.Background(), hs256(t, with(func(m map[string]any) { m["iat"] = t0.Unix() - 1 })))
	wantErr(t, err, jwtsso.ErrReplayed)
}

func TestReplayWindowLastsUntilTokenUnacceptable(t *testing.T) {
	cases := []struct {
		name   string
		claims map[string]any
		until  time.Time
	}{
		{"iat plus margin", claims(), t0.Add(time.Minute)},
		{"future iat plus margin", with(func(m map[string]any) { m["iat"] = t0.Add(30 * time.Second).Unix() }), t0.Add(90 * time.Second)},
		{"exp when earlier", with(func(m map[string]any) { m["exp"] = t0.Add(10 * time.Second).Unix() }), t0.Add(10 * time.Second)},
		{"iat plus margin when exp is later", with(func(m map[string]any) { m["exp"] = t0.Add(time.Hour).Unix() }), t0.Add(time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: t0}
			rc := &recordingCache{Memory: replay.NewMemory(c.Now)}
			v, _ := newVerifier(t, func(cfg *jwtsso.Config) { cfg.ReplayCache, cfg.Now = rc, c.Now })
			tok := hs256(t, tc.claims)
			mustVerify(t, v, tok)
			if len(rc.until) != 1 || !rc.until[0].Equal(tc.until) {
				t.Fatalf("cache kept jti until %v; want %v", rc.until, tc.until)
			}
			// One second before the window ends the token is still
			// acceptable, so it must still be caught as a replay.
			c.t = tc.until.Add(-time.Second)
			_, err := v.Verify(context.Background(), tok)
			wantErr(t, err, jwtsso.ErrReplayed)
		})
	}
}

func TestReplayKeyIsNamespacedByKey(t *testing.T) {
	// Two tenants share one cache (as with Redis); their partners happen to
	// use the same jti, and even the same kid. Neither may block the other.
	other := []byte("another-tenant-secret-of-32-bytes!!")
	for _, kid := range []string{"", "1"} {
		t.Run("kid "+kid, func(t *testing.T) {
			cache := replay.NewMemory(func() time.Time { return t0 })
			a, _ := newVerifier(t, func(c *jwtsso.Config) { c.ReplayCache, c.Keys = cache, []jwtsso.Key{{ID: kid, Secret: secret}} })
			b, _ := newVerifier(t, func(c *jwtsso.Config) { c.ReplayCache, c.Keys = cache, []jwtsso.Key{{ID: kid, Secret: other}} })
			hdr := map[string]any{}
			if kid != "" {
				hdr["kid"] = kid
			}
			mustVerify(t, a, sign(t, "HS256", secret, claims(), hdr))
			mustVerify(t, b, sign(t, "HS256", other, claims(), hdr))
		})
	}
}

func TestReplayKeyCannotBeForgedThroughIssuer(t *testing.T) {
	rc := &recordingCache{Memory: replay.NewMemory(func() time.Time { return t0 })}
	v, _ := newVerifier(t, func(c *jwtsso.Config) { c.ReplayCache = rc })
	// iss+jti "a"+"bc" and "ab"+"c" must not meet in the cache.
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["iss"], m["jti"] = "a", "bc" })))
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["iss"], m["jti"] = "ab", "c" })))
	if rc.keys[0] == rc.keys[1] {
		t.Fatalf("two issuer/jti splits share the replay key %q", rc.keys[0])
	}
}

func TestReplayKeyIsNamespacedByIssuer(t *testing.T) {
	rc := &recordingCache{Memory: replay.NewMemory(func() time.Time { return t0 })}
	v, _ := newVerifier(t, func(c *jwtsso.Config) { c.ReplayCache = rc })
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["iss"] = "partner-a" })))
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["iss"] = "partner-b" })))
	if rc.keys[0] == rc.keys[1] {
		t.Fatalf("same replay key %q for two issuers", rc.keys[0])
	}
}

func TestRejectedTokenDoesNotConsumeJTI(t *testing.T) {
	v, _ := newVerifier(t, func(c *jwtsso.Config) { c.Audience = "us" })
	_, err := v.Verify(context.Background(), hs256(t, with(func(m map[string]any) { m["aud"] = "them" })))
	wantErr(t, err, jwtsso.ErrAudience)
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["aud"] = "us" })))
}

type failingCache struct{}

var errDown = errors.New("cache down")

func (failingCache) Seen(context.Context, string, time.Time) (bool, error) { return false, errDown }

func TestReplayCacheFailureFailsClosed(t *testing.T) {
	v, _ := newVerifier(t, func(c *jwtsso.Config) { c.ReplayCache = failingCache{} })
	_, err := v.Verify(context.Background(), hs256(t, claims()))
	if !errors.Is(err, jwtsso.ErrReplayCache) || !errors.Is(err, errDown) {
		t.Fatalf("err = %v; want ErrReplayCache wrapping the cache's error", err)
	}
}

func TestConcurrentReplayAcceptsExactlyOnce(t *testing.T) {
	v, _ := newVerifier(t, nil)
	tok := hs256(t, claims())
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := v.Verify(context.Background(), tok); err == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if n := ok.Load(); n != 1 {
		t.Fatalf("%d concurrent verifications of one token succeeded; want exactly 1", n)
	}
}
