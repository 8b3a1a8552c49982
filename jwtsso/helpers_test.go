package jwtsso_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/ssokit/ssokit/jwtsso"
)

// secret is a shared secret of the length GenerateKey makes.
var secret = []byte("7f3c9a1e5b2d4f6081a3c5e7f9b1d3f57f3c9a1e5b2d4f6081a3c5e7f9b1d3f5")

// t0 is the fixed time of every test.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// newVerifier builds a Verifier with secret, the clock at t0 and the given
// changes to the config.
func newVerifier(t testing.TB, change func(*jwtsso.Config)) (*jwtsso.Verifier, *clock) {
	t.Helper()
	c := &clock{t: t0}
	cfg := jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, Now: c.Now}
	if change != nil {
		change(&cfg)
	}
	v, err := jwtsso.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v, c
}

// claims returns a valid payload issued at t0.
func claims() map[string]any {
	return map[string]any{"iat": t0.Unix(), "jti": "1795003200/abc", "email": "someone@example.com"}
}

// with returns claims() changed by f.
func with(f func(map[string]any)) map[string]any {
	c := claims()
	f(c)
	return c
}

// sign signs payload (a map, or []byte used verbatim) with jwx, the way a
// partner library does. Extra header fields go into the protected header.
func sign(t testing.TB, alg jwa.SignatureAlgorithm, key any, payload any, header map[string]any) string {
	t.Helper()
	body, ok := payload.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			t.Fatal(err)
		}
	}
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	for k, v := range header {
		if err := h.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := jws.Sign(body, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatalf("jws.Sign: %v", err)
	}
	return string(tok)
}

// hs256 signs payload with secret.
func hs256(t testing.TB, payload any) string {
	return sign(t, jwa.HS256, secret, payload, nil)
}

// unsigned builds "header.payload." by hand, as an attacker would.
func unsigned(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "."
}

// mustVerify verifies tok and fails the test on error.
func mustVerify(t *testing.T, v *jwtsso.Verifier, tok string) *jwtsso.Claims {
	t.Helper()
	c, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return c
}

// wantErr checks that err wraps want.
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v; want %v", err, want)
	}
}
