package ssotest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/ssokit/ssokit/jwtsso"
)

func TestJWTPartnerRedirectsWithASignedToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	p := NewJWTPartner(secret, "someone@example.com", "https://app.example/sso/acme/jwt")
	defer p.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.LoginURL() + "?return_to=" + url.QueryEscape("https://app.example/x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), p.Endpoint+"?") || loc.Query().Get("return_to") != "https://app.example/x" {
		t.Fatalf("%d %v", resp.StatusCode, loc)
	}
	tok, err := jwt.Parse([]byte(loc.Query().Get("jwt")), jwt.WithKey(jwa.HS256, secret), jwt.WithValidate(true))
	if err != nil {
		t.Fatal(err)
	}
	email, _ := tok.Get("email")
	if email != "someone@example.com" || !strings.Contains(tok.JwtID(), "/") || tok.JwtID() == "" {
		t.Fatalf("claims email %v jti %q", email, tok.JwtID())
	}
	if p.LastToken() != loc.Query().Get("jwt") {
		t.Fatal("LastToken differs")
	}
	if _, err := jwt.Parse([]byte(p.LastToken()), jwt.WithKey(jwa.HS256, []byte("another key, 32 bytes long......")), jwt.WithValidate(true)); err == nil {
		t.Fatal("token verifies with another key")
	}
}

// partnerSecret is long enough for HS512 (RFC 7518 3.2).
var partnerSecret = []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")

var partnerNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newTestPartner(t *testing.T, knobs func(*JWTPartner)) *JWTPartner {
	t.Helper()
	p := NewJWTPartner(partnerSecret, "someone@example.com", "https://app.example/sso/acme/jwt")
	t.Cleanup(p.Close)
	p.Now = func() time.Time { return partnerNow }
	if knobs != nil {
		knobs(p)
	}
	return p
}

// partnerLogin plays the browser at the partner and returns the status and
// the token it was redirected with.
func partnerLogin(t *testing.T, p *JWTPartner) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.LoginURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc.Query().Get("jwt")
}

// mustLogin returns the token of a successful login.
func mustLogin(t *testing.T, p *JWTPartner) string {
	t.Helper()
	status, tok := partnerLogin(t, p)
	if status != http.StatusFound || tok == "" {
		t.Fatalf("login: status %d, token %q", status, tok)
	}
	return tok
}

// decoded is a token parsed without verification, to inspect.
type decoded struct {
	alg    jwa.SignatureAlgorithm
	sig    []byte
	claims map[string]any
}

func decode(t *testing.T, tok string) decoded {
	t.Helper()
	msg, err := jws.Parse([]byte(tok))
	if err != nil || len(msg.Signatures()) != 1 {
		t.Fatalf("jws.Parse(%q): %v", tok, err)
	}
	var c map[string]any
	if err := json.Unmarshal(msg.Payload(), &c); err != nil {
		t.Fatal(err)
	}
	s := msg.Signatures()[0]
	return decoded{alg: s.ProtectedHeaders().Algorithm(), sig: s.Signature(), claims: c}
}

// verifiesWith reports whether tok's signature verifies with key under alg.
func verifiesWith(tok string, alg jwa.SignatureAlgorithm, key []byte) bool {
	_, err := jws.Verify([]byte(tok), jws.WithKey(alg, key))
	return err == nil
}

func TestJWTPartnerKnobs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		knobs func(*JWTPartner)
		check func(t *testing.T, tok string, d decoded)
	}{
		{"zero knobs give a correct HS256 token", nil, func(t *testing.T, tok string, d decoded) {
			if d.alg != jwa.HS256 || !verifiesWith(tok, jwa.HS256, partnerSecret) {
				t.Errorf("alg %s, or does not verify with Secret", d.alg)
			}
			for _, k := range []string{"iat", "jti", "email"} {
				if _, ok := d.claims[k]; !ok {
					t.Errorf("no %s", k)
				}
			}
			if _, ok := d.claims["exp"]; ok || len(d.claims) != 3 {
				t.Errorf("claims %v, want iat, jti and email only", d.claims)
			}
			if d.claims["iat"] != float64(partnerNow.Unix()) {
				t.Errorf("iat %v", d.claims["iat"])
			}
		}},
		{"Algorithm HS384 signs with HS384", func(p *JWTPartner) { p.Algorithm = "HS384" }, func(t *testing.T, tok string, d decoded) {
			if d.alg != jwa.HS384 || !verifiesWith(tok, jwa.HS384, partnerSecret) {
				t.Errorf("alg %s, or no HS384 signature with Secret", d.alg)
			}
		}},
		{"Algorithm HS512 signs with HS512", func(p *JWTPartner) { p.Algorithm = "HS512" }, func(t *testing.T, tok string, d decoded) {
			if d.alg != jwa.HS512 || !verifiesWith(tok, jwa.HS512, partnerSecret) {
				t.Errorf("alg %s, or no HS512 signature with Secret", d.alg)
			}
		}},
		{"Algorithm none sends an unsigned token", func(p *JWTPartner) { p.Algorithm = "none" }, func(t *testing.T, tok string, d decoded) {
			if d.alg != jwa.NoSignature || len(d.sig) != 0 || !strings.HasSuffix(tok, ".") {
				t.Errorf("alg %s, signature %x", d.alg, d.sig)
			}
		}},
		{"WrongKey signs with another key", func(p *JWTPartner) { p.WrongKey = true }, func(t *testing.T, tok string, d decoded) {
			if d.alg != jwa.HS256 || len(d.sig) != 32 || verifiesWith(tok, jwa.HS256, partnerSecret) {
				t.Errorf("alg %s, signature %x verifies with Secret", d.alg, d.sig)
			}
		}},
		{"OmitJTI leaves jti out", func(p *JWTPartner) { p.OmitJTI = true }, wantClaims("iat", "email")},
		{"OmitEmail leaves email out", func(p *JWTPartner) { p.OmitEmail = true }, wantClaims("iat", "jti")},
		{"OmitIssuedAt leaves iat out", func(p *JWTPartner) { p.OmitIssuedAt = true }, wantClaims("jti", "email")},
		{"ExtraClaims add and replace claims", func(p *JWTPartner) {
			p.ExtraClaims = map[string]any{"Email": "other@example.com", "iat": "yesterday", "groups": []any{"admins"}}
		}, func(t *testing.T, tok string, d decoded) {
			if d.claims["Email"] != "other@example.com" || d.claims["email"] != "someone@example.com" || d.claims["iat"] != "yesterday" {
				t.Errorf("claims %v", d.claims)
			}
			if g, _ := d.claims["groups"].([]any); len(g) != 1 || g[0] != "admins" {
				t.Errorf("groups %v", d.claims["groups"])
			}
			if !verifiesWith(tok, jwa.HS256, partnerSecret) {
				t.Error("not signed with Secret")
			}
		}},
		{"ExpiresIn sets exp", func(p *JWTPartner) { p.ExpiresIn = -90 * time.Second }, func(t *testing.T, tok string, d decoded) {
			if d.claims["exp"] != float64(partnerNow.Add(-90*time.Second).Unix()) {
				t.Errorf("exp %v", d.claims["exp"])
			}
		}},
		{"IssuedAt shifts iat", func(p *JWTPartner) { p.IssuedAt = -time.Hour }, func(t *testing.T, tok string, d decoded) {
			if d.claims["iat"] != float64(partnerNow.Add(-time.Hour).Unix()) {
				t.Errorf("iat %v", d.claims["iat"])
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPartner(t, tc.knobs)
			tok := mustLogin(t, p)
			if p.LastToken() != tok {
				t.Error("LastToken differs from the token sent")
			}
			tc.check(t, tok, decode(t, tok))
		})
	}
}

// wantClaims checks that the token has exactly the named claims.
func wantClaims(names ...string) func(*testing.T, string, decoded) {
	return func(t *testing.T, tok string, d decoded) {
		t.Helper()
		for _, k := range names {
			if _, ok := d.claims[k]; !ok {
				t.Errorf("no %s", k)
			}
		}
		if len(d.claims) != len(names) {
			t.Errorf("claims %v, want only %v", d.claims, names)
		}
		if !verifiesWith(tok, jwa.HS256, partnerSecret) {
			t.Error("not signed with Secret")
		}
	}
}

func TestJWTPartnerReuseJTI(t *testing.T) {
	p := newTestPartner(t, func(p *JWTPartner) { p.ReuseJTI = true })
	if jti, _ := decode(t, mustLogin(t, p)).claims["jti"].(string); jti == "" {
		t.Fatal("ReuseJTI: the first token has no jti")
	}
	p.ReuseJTI = false
	prev := decode(t, mustLogin(t, p)).claims["jti"]
	if prev == nil {
		t.Fatal("no jti")
	}
	p.ReuseJTI = true
	for i := range 2 {
		if jti := decode(t, mustLogin(t, p)).claims["jti"]; jti != prev {
			t.Errorf("ReuseJTI login %d: jti %v, want the previous %v", i, jti, prev)
		}
	}
	p.ReuseJTI = false
	if jti := decode(t, mustLogin(t, p)).claims["jti"]; jti == prev {
		t.Errorf("jti %v repeated without ReuseJTI", jti)
	}
}

func TestJWTPartnerRefusesUnknownAlgorithm(t *testing.T) {
	p := newTestPartner(t, func(p *JWTPartner) { p.Algorithm = "RS256" })
	if status, tok := partnerLogin(t, p); status != http.StatusInternalServerError || tok != "" {
		t.Errorf("status %d, token %q", status, tok)
	}
}

// TestJWTPartnerKnobsAgainstJWTSSO runs each hostile token through ssokit's
// own verifier, which must refuse it with the matching sentinel.
func TestJWTPartnerKnobsAgainstJWTSSO(t *testing.T) {
	for _, tc := range []struct {
		name    string
		knobs   func(*JWTPartner)
		key     jwtsso.Key // zero: HS256 with partnerSecret
		replay  bool       // a first token is accepted, the second refused
		wantErr error      // nil: accepted
	}{
		{"correct token is accepted", nil, jwtsso.Key{}, false, nil},
		{"HS512 is accepted by a host that configured it", func(p *JWTPartner) { p.Algorithm = "HS512" },
			jwtsso.Key{Algorithm: "HS512", Secret: partnerSecret}, false, nil},
		{"HS384 where HS256 is configured is refused", func(p *JWTPartner) { p.Algorithm = "HS384" }, jwtsso.Key{}, false, jwtsso.ErrAlgorithm},
		{"alg none is refused", func(p *JWTPartner) { p.Algorithm = "none" }, jwtsso.Key{}, false, jwtsso.ErrAlgorithm},
		{"wrong key is refused", func(p *JWTPartner) { p.WrongKey = true }, jwtsso.Key{}, false, jwtsso.ErrBadSignature},
		{"missing jti is refused", func(p *JWTPartner) { p.OmitJTI = true }, jwtsso.Key{}, false, jwtsso.ErrMissingClaim},
		{"missing email is refused", func(p *JWTPartner) { p.OmitEmail = true }, jwtsso.Key{}, false, jwtsso.ErrMissingClaim},
		{"missing iat is refused", func(p *JWTPartner) { p.OmitIssuedAt = true }, jwtsso.Key{}, false, jwtsso.ErrMissingClaim},
		{"reused jti is refused", func(p *JWTPartner) { p.ReuseJTI = true }, jwtsso.Key{}, true, jwtsso.ErrReplayed},
		{"stale iat is refused", func(p *JWTPartner) { p.IssuedAt = -time.Hour }, jwtsso.Key{}, false, jwtsso.ErrStale},
		{"future iat is refused", func(p *JWTPartner) { p.IssuedAt = time.Hour }, jwtsso.Key{}, false, jwtsso.ErrIssuedInFuture},
		{"expired exp is refused", func(p *JWTPartner) { p.ExpiresIn = -30 * time.Second }, jwtsso.Key{}, false, jwtsso.ErrExpired},
		{"unexpired exp is accepted", func(p *JWTPartner) { p.ExpiresIn = time.Minute }, jwtsso.Key{}, false, nil},
		{"email with a display name is refused", func(p *JWTPartner) {
			p.ExtraClaims = map[string]any{"email": "Someone <someone@example.com>"}
		}, jwtsso.Key{}, false, jwtsso.ErrInvalidEmail},
		{"iat of the wrong type is refused", func(p *JWTPartner) {
			p.ExtraClaims = map[string]any{"iat": "yesterday"}
		}, jwtsso.Key{}, false, jwtsso.ErrMalformed},
		{"email given twice is refused", func(p *JWTPartner) {
			p.ExtraClaims = map[string]any{"Email": "admin@example.com"}
		}, jwtsso.Key{}, false, jwtsso.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if key.Secret == nil {
				key = jwtsso.Key{Secret: partnerSecret}
			}
			v, err := jwtsso.New(jwtsso.Config{Keys: []jwtsso.Key{key}, Algorithms: []string{cmp.Or(key.Algorithm, "HS256")},
				Now: func() time.Time { return partnerNow }})
			if err != nil {
				t.Fatal(err)
			}
			p := newTestPartner(t, tc.knobs)
			ctx := context.Background()
			if tc.replay {
				if _, err := v.Verify(ctx, mustLogin(t, p)); err != nil {
					t.Fatalf("first token refused: %v", err)
				}
			}
			claims, err := v.Verify(ctx, mustLogin(t, p))
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr == nil && claims.Email != "someone@example.com":
				t.Fatalf("email %q", claims.Email)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}
