package jwtsso_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
)

func TestMintRoundTrip(t *testing.T) {
	rk, ek := rsaKey(t), ecKey(t)
	now := func() time.Time { return t0 }
	cases := []struct {
		name   string
		minter jwtsso.Minter
		key    jwtsso.Key
	}{
		{"HS256 shared secret", jwtsso.Minter{Secret: secret, Now: now}, jwtsso.Key{Secret: secret}},
		{"RS256 private key", jwtsso.Minter{Algorithm: "RS256", PrivateKey: rk, KeyID: "r", Now: now}, jwtsso.Key{ID: "r", PublicKey: &rk.PublicKey}},
		{"ES256 private key", jwtsso.Minter{Algorithm: "ES256", PrivateKey: ek, Now: now}, jwtsso.Key{PublicKey: &ek.PublicKey}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newVerifier(t, func(c *jwtsso.Config) {
				c.Keys, c.Algorithms = []jwtsso.Key{tc.key}, []string{"HS256", "RS256", "ES256"}
				c.Issuer, c.Audience = "partner", "tenant"
			})
			tok, err := tc.minter.Mint(jwtsso.Token{
				Email: "a@example.com", Issuer: "partner", Audience: "tenant",
				Expires: t0.Add(time.Minute), Extra: map[string]any{"name": "A"},
			})
			if err != nil {
				t.Fatal(err)
			}
			c := mustVerify(t, v, tok)
			m, _ := c.Map()
			wantAlg := tc.minter.Algorithm
			if wantAlg == "" {
				wantAlg = "HS256"
			}
			if !regexp.MustCompile(`^`+strconv.FormatInt(t0.Unix(), 10)+`/[0-9a-f]{36}$`).MatchString(c.JTI) ||
				!c.Expires.Equal(t0.Add(time.Minute)) || m["name"] != "A" || c.Algorithm != wantAlg {
				t.Fatalf("claims = %+v, map = %v", c, m)
			}
		})
	}
}

func TestMintedJTIsDiffer(t *testing.T) {
	m := jwtsso.Minter{Secret: secret, Now: func() time.Time { return t0 }}
	a, _ := m.Mint(jwtsso.Token{Email: "a@example.com"})
	b, _ := m.Mint(jwtsso.Token{Email: "a@example.com"})
	if a == b {
		t.Fatal("two tokens minted in the same second are identical; jti must be random")
	}
}
