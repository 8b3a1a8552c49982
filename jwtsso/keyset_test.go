package jwtsso_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/ssokit/ssokit/jwtsso"
)

// jwksServer serves a JWKS built from keys (kid -> raw key) and counts
// requests. keys may be replaced between requests.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32
	keys atomic.Value // map[string]any
	code atomic.Int32 // status to answer; 0 means 200 with the set
	use  string       // "use" of every key; empty means absent; set before the first request
}

func newJWKSServer(t *testing.T, keys map[string]any) *jwksServer {
	s := &jwksServer{}
	s.keys.Store(keys)
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if code := s.code.Load(); code != 0 {
			w.WriteHeader(int(code))
			return
		}
		set := jwk.NewSet()
		for kid, raw := range s.keys.Load().(map[string]any) {
			k, err := jwk.FromRaw(raw)
			if err != nil {
				t.Error(err)
				return
			}
			if kid != "" {
				_ = k.Set(jwk.KeyIDKey, kid)
			}
			if s.use != "" {
				_ = k.Set(jwk.KeyUsageKey, s.use)
			}
			_ = set.AddKey(k)
		}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(s.Close)
	return s
}

func keySetVerifier(t *testing.T, s *jwksServer) (*jwtsso.Verifier, *clock) {
	return newVerifier(t, func(c *jwtsso.Config) {
		c.Keys = nil
		c.Algorithms = []string{"RS256", "ES256"}
		c.KeySetURL = s.URL + "/jwks"
		c.HTTPClient = s.Client()
	})
}

func TestKeySetURL(t *testing.T) {
	rk, ek := rsaKey(t), ecKey(t)
	s := newJWKSServer(t, map[string]any{"r1": rk.PublicKey, "e1": ek.PublicKey})
	v, clk := keySetVerifier(t, s)

	c := mustVerify(t, v, sign(t, jwa.RS256, rk, claims(), map[string]any{"kid": "r1"}))
	if c.KeyID != "r1" {
		t.Fatalf("KeyID = %q; want r1", c.KeyID)
	}
	mustVerify(t, v, sign(t, jwa.ES256, ek, with(func(m map[string]any) { m["jti"] = "2" }), map[string]any{"kid": "e1"}))
	if n := s.hits.Load(); n != 1 {
		t.Fatalf("JWKS fetched %d times for two tokens; want 1 (cached)", n)
	}
	// Well within the refresh interval, a known kid never refetches.
	clk.t = t0.Add(30 * time.Minute)
	mustVerify(t, v, sign(t, jwa.RS256, rk, map[string]any{"iat": clk.t.Unix(), "jti": "3", "email": "a@example.com"}, map[string]any{"kid": "r1"}))
	if n := s.hits.Load(); n != 1 {
		t.Fatalf("JWKS fetched %d times within the refresh interval; want 1", n)
	}
}

func TestKeySetRefetchOnUnknownKidIsRateLimited(t *testing.T) {
	r1, r2 := rsaKey(t), rsaKey(t)
	s := newJWKSServer(t, map[string]any{"r1": r1.PublicKey})
	v, clk := keySetVerifier(t, s)
	mustVerify(t, v, sign(t, jwa.RS256, r1, claims(), map[string]any{"kid": "r1"}))

	// The partner rotates to r2. Within a minute of the last fetch an
	// unknown kid does not trigger a fetch.
	s.keys.Store(map[string]any{"r1": r1.PublicKey, "r2": r2.PublicKey})
	clk.t = t0.Add(30 * time.Second)
	tok := func(jti string) string {
		return sign(t, jwa.RS256, r2, map[string]any{"iat": clk.t.Unix(), "jti": jti, "email": "a@example.com"}, map[string]any{"kid": "r2"})
	}
	_, err := v.Verify(context.Background(), tok("a"))
	wantErr(t, err, jwtsso.ErrUnknownKey)
	if n := s.hits.Load(); n != 1 {
		t.Fatalf("fetched %d times; want 1 (rate limited)", n)
	}
	clk.t = t0.Add(61 * time.Second)
	mustVerify(t, v, tok("b"))
	if n := s.hits.Load(); n != 2 {
		t.Fatalf("fetched %d times; want 2", n)
	}
}

func TestKeySetKeyWithoutKid(t *testing.T) {
	rk := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"": rk.PublicKey})
	v, _ := keySetVerifier(t, s)
	mustVerify(t, v, sign(t, jwa.RS256, rk, claims(), nil))
}

func TestKeySetIgnoresEncryptionKeys(t *testing.T) {
	rk := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"enc": rk.PublicKey})
	s.use = "enc"
	v, _ := keySetVerifier(t, s)
	_, err := v.Verify(context.Background(), sign(t, jwa.RS256, rk, claims(), map[string]any{"kid": "enc"}))
	wantErr(t, err, jwtsso.ErrUnknownKey)
}

func TestKeySetIgnoresSymmetricKeys(t *testing.T) {
	// A JWKS must not be able to inject an HMAC secret.
	s := newJWKSServer(t, map[string]any{"oct": secret})
	v, _ := newVerifier(t, func(c *jwtsso.Config) {
		c.Keys, c.KeySetURL, c.HTTPClient = nil, s.URL, s.Client()
		c.Algorithms = []string{"HS256", "RS256"}
	})
	_, err := v.Verify(context.Background(), sign(t, jwa.HS256, secret, claims(), map[string]any{"kid": "oct"}))
	wantErr(t, err, jwtsso.ErrUnknownKey)
}

func TestKeySetUnavailable(t *testing.T) {
	s := newJWKSServer(t, nil)
	s.code.Store(http.StatusInternalServerError)
	v, _ := keySetVerifier(t, s)
	_, err := v.Verify(context.Background(), sign(t, jwa.RS256, rsaKey(t), claims(), map[string]any{"kid": "r1"}))
	var ke *jwtsso.KeySetError
	if !errors.As(err, &ke) || !errors.Is(err, jwtsso.ErrKeySet) {
		t.Fatalf("err = %v; want *KeySetError", err)
	}
}

func TestKeySetHonoursContext(t *testing.T) {
	s := newJWKSServer(t, map[string]any{})
	v, _ := keySetVerifier(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := v.Verify(ctx, sign(t, jwa.RS256, rsaKey(t), claims(), map[string]any{"kid": "r1"}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
}

func TestKeySetOutageKeepsKnownKeys(t *testing.T) {
	rk := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"r1": rk.PublicKey})
	v, clk := keySetVerifier(t, s)
	tokenAt := func(jti string) string {
		return sign(t, jwa.RS256, rk, map[string]any{"iat": clk.t.Unix(), "jti": jti, "email": "a@example.com"}, map[string]any{"kid": "r1"})
	}
	mustVerify(t, v, tokenAt("1"))

	// After the refresh interval the partner's JWKS endpoint is down: the
	// refetch fails, the key fetched before still verifies.
	s.code.Store(http.StatusServiceUnavailable)
	clk.t = t0.Add(jwtsso.DefaultKeySetRefresh + time.Second)
	mustVerify(t, v, tokenAt("2"))
	// And the failed endpoint is not asked again within a minute.
	clk.t = clk.t.Add(30 * time.Second)
	mustVerify(t, v, tokenAt("3"))
	if n := s.hits.Load(); n != 2 {
		t.Fatalf("JWKS fetched %d times; want 2 (first fetch, one failed refresh)", n)
	}
}

func TestKeySetFailureIsRetriedAtMostOnceAMinute(t *testing.T) {
	rk := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"r1": rk.PublicKey})
	s.code.Store(http.StatusInternalServerError)
	v, clk := keySetVerifier(t, s)
	tokenAt := func(jti string) string {
		return sign(t, jwa.RS256, rk, map[string]any{"iat": clk.t.Unix(), "jti": jti, "email": "a@example.com"}, map[string]any{"kid": "r1"})
	}
	for i := range 3 {
		_, err := v.Verify(context.Background(), tokenAt(strconv.Itoa(i)))
		wantErr(t, err, jwtsso.ErrKeySet)
	}
	if n := s.hits.Load(); n != 1 {
		t.Fatalf("JWKS fetched %d times within a minute of a failure; want 1", n)
	}
	s.code.Store(0)
	clk.t = t0.Add(keySetRetryForTest)
	mustVerify(t, v, tokenAt("ok"))
}

func TestKeySetCancelledCallerDoesNotBlockOthers(t *testing.T) {
	rk := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"r1": rk.PublicKey})
	v, _ := keySetVerifier(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tok := sign(t, jwa.RS256, rk, claims(), map[string]any{"kid": "r1"})
	if _, err := v.Verify(ctx, tok); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Verify: err = %v; want context.Canceled", err)
	}
	mustVerify(t, v, tok)
}

// keySetRetryForTest is the package's retry interval (one minute).
const keySetRetryForTest = time.Minute

func TestTokenKeyHeadersAreNeverFollowed(t *testing.T) {
	// jku and jwk in the header name the attacker's own key; only
	// configured keys may verify.
	attacker := rsaKey(t)
	s := newJWKSServer(t, map[string]any{"evil": attacker.PublicKey})
	pub, err := jwk.FromRaw(attacker.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	_ = pub.Set(jwk.KeyIDKey, "evil")
	v, _ := newVerifier(t, func(c *jwtsso.Config) {
		c.Algorithms, c.Keys = []string{"RS256"}, []jwtsso.Key{{ID: "partner", PublicKey: &rsaKey(t).PublicKey}}
	})
	for name, hdr := range map[string]map[string]any{
		"jku": {"jku": s.URL, "kid": "evil"},
		"jwk": {"jwk": pub},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), sign(t, jwa.RS256, attacker, claims(), hdr))
			if err == nil || s.hits.Load() != 0 {
				t.Fatalf("err = %v, key set fetched %d times; want rejection without fetching", err, s.hits.Load())
			}
		})
	}
}
