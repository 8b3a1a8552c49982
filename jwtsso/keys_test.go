package jwtsso_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/ssokit/ssokit/jwtsso"
)

func TestGenerateKey(t *testing.T) {
	k1, err := jwtsso.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := jwtsso.GenerateKey(nil)
	if raw, err := hex.DecodeString(k1); err != nil || len(raw) != jwtsso.SecretSize {
		t.Fatalf("key %q: want %d hex-encoded random bytes", k1, jwtsso.SecretSize)
	}
	if k1 == k2 {
		t.Fatal("two generated keys are equal")
	}
	fixed, _ := jwtsso.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{0xab}, 32)))
	if fixed != strings.Repeat("ab", 32) {
		t.Fatalf("GenerateKey did not use the given rand: %q", fixed)
	}
	if _, err := jwtsso.GenerateKey(iotest.ErrReader(errors.New("no entropy"))); err == nil {
		t.Fatal("GenerateKey with a failing rand: want an error")
	}
	// A generated key works as an HS256 secret end to end.
	v, _ := newVerifier(t, func(c *jwtsso.Config) { c.Keys = []jwtsso.Key{{Secret: []byte(k1)}} })
	mustVerify(t, v, sign(t, jwa.HS256, []byte(k1), claims(), nil))
}

func TestKeyRotation(t *testing.T) {
	oldKey := []byte(strings.Repeat("o", 32))
	newKey := []byte(strings.Repeat("n", 32))
	both := func(c *jwtsso.Config) {
		c.Keys = []jwtsso.Key{{ID: "old", Secret: oldKey}, {ID: "new", Secret: newKey}}
	}
	cases := []struct {
		name    string
		key     []byte
		header  map[string]any
		wantKid string
	}{
		{"old key selected by kid", oldKey, map[string]any{"kid": "old"}, "old"},
		{"new key selected by kid", newKey, map[string]any{"kid": "new"}, "new"},
		{"old key tried in turn without kid", oldKey, nil, "old"},
		{"new key tried in turn without kid", newKey, nil, "new"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newVerifier(t, both)
			c := mustVerify(t, v, sign(t, jwa.HS256, tc.key, claims(), tc.header))
			if c.KeyID != tc.wantKid {
				t.Fatalf("KeyID = %q; want %q", c.KeyID, tc.wantKid)
			}
		})
	}
	t.Run("kid selects only its own key", func(t *testing.T) {
		v, _ := newVerifier(t, both)
		_, err := v.Verify(context.Background(), sign(t, jwa.HS256, newKey, claims(), map[string]any{"kid": "old"}))
		wantErr(t, err, jwtsso.ErrBadSignature)
	})
	t.Run("retired key is rejected", func(t *testing.T) {
		v, _ := newVerifier(t, func(c *jwtsso.Config) { c.Keys = []jwtsso.Key{{ID: "new", Secret: newKey}} })
		_, err := v.Verify(context.Background(), sign(t, jwa.HS256, oldKey, claims(), nil))
		wantErr(t, err, jwtsso.ErrBadSignature)
	})
}

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestPublicKeyAlgorithms(t *testing.T) {
	rk, ek := rsaKey(t), ecKey(t)
	cfg := func(c *jwtsso.Config) {
		c.Algorithms = []string{"RS256", "ES256"}
		c.Keys = []jwtsso.Key{{ID: "rsa", PublicKey: &rk.PublicKey}, {ID: "ec", PublicKey: &ek.PublicKey}}
	}
	t.Run("RS256 with a configured public key", func(t *testing.T) {
		v, _ := newVerifier(t, cfg)
		c := mustVerify(t, v, sign(t, jwa.RS256, rk, claims(), nil))
		if c.KeyID != "rsa" || c.Algorithm != "RS256" {
			t.Fatalf("verified with %s/%s", c.KeyID, c.Algorithm)
		}
	})
	t.Run("ES256 with a configured public key", func(t *testing.T) {
		v, _ := newVerifier(t, cfg)
		mustVerify(t, v, sign(t, jwa.ES256, ek, claims(), map[string]any{"kid": "ec"}))
	})
	t.Run("RS256 signed by another key is rejected", func(t *testing.T) {
		v, _ := newVerifier(t, cfg)
		_, err := v.Verify(context.Background(), sign(t, jwa.RS256, rsaKey(t), claims(), nil))
		wantErr(t, err, jwtsso.ErrBadSignature)
	})
}

func TestHSRSConfusionIsRejected(t *testing.T) {
	// The attacker knows the partner's RSA public key and uses its PEM as
	// an HMAC secret, hoping the verifier feeds the public key to HS256.
	rk := rsaKey(t)
	der, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	rsaOnly := func(c *jwtsso.Config) {
		c.Algorithms = []string{"RS256"}
		c.Keys = []jwtsso.Key{{ID: "rsa", PublicKey: &rk.PublicKey}}
	}
	// Even a (misguided) allow-list with both families keeps each key to
	// its own algorithm.
	mixed := func(c *jwtsso.Config) {
		c.Algorithms = []string{"RS256", "HS256"}
		c.Keys = []jwtsso.Key{{ID: "rsa", PublicKey: &rk.PublicKey}}
	}
	cases := []struct {
		name   string
		change func(*jwtsso.Config)
		header map[string]any
		want   error
	}{
		{"HS256 when only RS256 is allowed", rsaOnly, map[string]any{"kid": "rsa"}, jwtsso.ErrAlgorithm},
		{"HS256 naming the RSA key by kid", mixed, map[string]any{"kid": "rsa"}, jwtsso.ErrAlgorithm},
		{"HS256 without kid finds no HMAC key", mixed, nil, jwtsso.ErrUnknownKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newVerifier(t, tc.change)
			_, err := v.Verify(context.Background(), sign(t, jwa.HS256, pemKey, claims(), tc.header))
			wantErr(t, err, tc.want)
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	rk := rsaKey(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	cases := []struct {
		name string
		cfg  jwtsso.Config
		want string
	}{
		{"no keys", jwtsso.Config{}, "no Keys"},
		{"short secret", jwtsso.Config{Keys: []jwtsso.Key{{Secret: []byte("short")}}}, "at least 32"},
		{"short HS512 secret", jwtsso.Config{Algorithms: []string{"HS512"}, Keys: []jwtsso.Key{{Secret: secret[:48], Algorithm: "HS512"}}}, "at least 64"},
		{"alg none in the allow-list", jwtsso.Config{Algorithms: []string{"none"}, Keys: []jwtsso.Key{{Secret: secret}}}, `"none" not supported`},
		{"empty allow-list", jwtsso.Config{Algorithms: []string{}, Keys: []jwtsso.Key{{Secret: secret}}}, "Algorithms is empty"},
		{"key algorithm outside the allow-list", jwtsso.Config{Keys: []jwtsso.Key{{PublicKey: &rk.PublicKey}}}, "RS256 not in Algorithms"},
		{"RSA key for HS256", jwtsso.Config{Keys: []jwtsso.Key{{PublicKey: &rk.PublicKey, Algorithm: "HS256"}}}, "cannot use an RSA key"},
		{"secret for RS256", jwtsso.Config{Algorithms: []string{"RS256"}, Keys: []jwtsso.Key{{Secret: secret, Algorithm: "RS256"}}}, "cannot use a Secret"},
		{"RSA key under 2048 bits", jwtsso.Config{Algorithms: []string{"RS256"}, Keys: []jwtsso.Key{{PublicKey: &small.PublicKey}}}, "shorter than 2048"},
		{"P-384 key for ES256", jwtsso.Config{Algorithms: []string{"ES256"}, Keys: []jwtsso.Key{{PublicKey: &p384.PublicKey}}}, "needs P-256"},
		{"duplicate key IDs", jwtsso.Config{Keys: []jwtsso.Key{{ID: "a", Secret: secret}, {ID: "a", Secret: secret}}}, "duplicate ID"},
		{"too many keys", jwtsso.Config{Keys: make([]jwtsso.Key, jwtsso.MaxKeys+1)}, "more than 8 keys"},
		{"margin too large", jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, IssuedAtMargin: time.Hour}, "IssuedAtMargin"},
		{"negative margin", jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, IssuedAtMargin: -time.Second}, "IssuedAtMargin"},
		{"http key set URL", jwtsso.Config{KeySetURL: "http://partner.example.com/jwks"}, "KeySetURL"},
		{"origin with a path", jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, Origin: "https://t.example.com/app"}, "Origin"},
		{"origin over http", jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, Origin: "http://t.example.com"}, "Origin"},
		{"relative remote login URL", jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, RemoteLoginURL: "/sso"}, "RemoteLoginURL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := jwtsso.New(tc.cfg)
			var ce *jwtsso.ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, jwtsso.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: err = %v; want a *ConfigError mentioning %q", err, tc.want)
			}
		})
	}
	t.Run("every problem is reported at once", func(t *testing.T) {
		_, err := jwtsso.New(jwtsso.Config{Keys: []jwtsso.Key{{Secret: []byte("x")}}, IssuedAtMargin: time.Hour, Origin: "ftp://x"})
		var ce *jwtsso.ConfigError
		if !errors.As(err, &ce) || len(ce.Problems) < 3 {
			t.Fatalf("err = %v; want at least three problems", err)
		}
	})
}
