package scim

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBearerTokenForms(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, auth string
		want       int
	}{
		{"bare token as Okta's header mode sends it", acmeToken, http.StatusOK},
		{"Bearer scheme", "Bearer " + acmeToken, http.StatusOK},
		{"scheme in lower case", "bearer " + acmeToken, http.StatusOK},
		{"extra spaces", "Bearer   " + acmeToken + "  ", http.StatusOK},
		{"missing header is rejected", "", http.StatusUnauthorized},
		{"scheme without token is rejected", "Bearer", http.StatusUnauthorized},
		{"unknown token is rejected", "Bearer nope", http.StatusUnauthorized},
		{"token with one character changed is rejected", acmeToken[:len(acmeToken)-1] + "0", http.StatusUnauthorized},
		{"token prefix is rejected", acmeToken[:10], http.StatusUnauthorized},
		{"Basic scheme is rejected", "Basic " + acmeToken, http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := e.do(http.MethodGet, "/Users", c.auth, "")
			if got.status != c.want {
				t.Fatalf("status %d, want %d: %s", got.status, c.want, got.body)
			}
		})
	}
}

func TestUnauthenticatedRequestsReadNoBody(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat("x", 5<<20)
	got := e.do(http.MethodPost, "/Users", "Bearer wrong", huge)
	if got.status != http.StatusUnauthorized {
		t.Fatalf("status %d", got.status)
	}
	if field(t, got, "schemas").([]any)[0] != ErrorSchema {
		t.Errorf("error body not in SCIM form: %s", got.body)
	}
}

func TestTokenSet(t *testing.T) {
	ctx := context.Background()
	s := NewTokenSet()
	tok, err := NewToken(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 {
		t.Errorf("token length %d, want 43", len(tok))
	}
	s.Add("acme", HashToken(tok))
	s.Add("acme", HashToken("rotated"))
	s.Add("globex", HashToken("globex-token"))
	for _, c := range []struct{ token, tenant string }{{tok, "acme"}, {"rotated", "acme"}, {"globex-token", "globex"}} {
		got, err := s.Authenticate(ctx, c.token)
		if err != nil || got != c.tenant {
			t.Errorf("Authenticate(%q) = %q, %v; want %q", c.token, got, err, c.tenant)
		}
	}
	for _, bad := range []string{"", "rotated ", "ROTATED"} {
		if _, err := s.Authenticate(ctx, bad); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
	s.Revoke("acme")
	if _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked token still accepted: %v", err)
	}
	if got, err := s.Authenticate(ctx, "globex-token"); err != nil || got != "globex" {
		t.Errorf("revoking acme broke globex: %q %v", got, err)
	}
	for _, e := range s.tokens {
		if bytes.Contains(e.hash[:], []byte("globex-token")) {
			t.Error("token stored in clear")
		}
	}
	if _, err := NewToken(bytes.NewReader(nil)); err == nil {
		t.Error("NewToken with an empty reader succeeded")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	ok := Config{Authenticator: NewTokenSet(), BaseURL: "https://app.example.com/scim/v2"}
	cases := map[string]func(*Config){
		"missing authenticator":      func(c *Config) { c.Authenticator = nil },
		"missing base URL":           func(c *Config) { c.BaseURL = "" },
		"relative base URL":          func(c *Config) { c.BaseURL = "/scim/v2" },
		"base URL with a query":      func(c *Config) { c.BaseURL = "https://a.example/scim?x=1" },
		"negative body limit":        func(c *Config) { c.MaxBodyBytes = -1 },
		"default page above the max": func(c *Config) { c.DefaultPageSize, c.MaxPageSize = 50, 10 },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			c := ok
			mod(&c)
			if _, err := New(c); err == nil {
				t.Fatal("New accepted a bad config")
			}
		})
	}
	if _, err := New(ok); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
}

// tripwire fails the test when the handler reads a body it should not.
type tripwire struct{ t *testing.T }

func (tw tripwire) Read([]byte) (int, error) {
	tw.t.Error("body read before authentication")
	return 0, errors.New("tripwire")
}

func TestBodyIsNotReadBeforeAuthentication(t *testing.T) {
	e := newEnv(t)
	for _, auth := range []string{"", "Bearer wrong-token"} {
		req, _ := http.NewRequest(http.MethodPost, "http://sp.example/scim/v2/Users", tripwire{t})
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("auth %q: status %d", auth, rec.Code)
		}
	}
}

// brokenAuth is an Authenticator whose backing store is down.
type brokenAuth struct{}

func (brokenAuth) Authenticate(context.Context, string) (string, error) {
	return "", errors.New("token database unreachable")
}

func TestAuthenticatorFailureIsNotAnAuthError(t *testing.T) {
	h, err := New(Config{Authenticator: brokenAuth{}, BaseURL: "http://sp.example/scim/v2"})
	if err != nil {
		t.Fatal(err)
	}
	rec := call(h, http.MethodGet, "/Users", "Bearer x", "")
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "unreachable") {
		t.Fatalf("got %d %s, want a 500 that hides the cause", rec.Code, rec.Body)
	}
}
