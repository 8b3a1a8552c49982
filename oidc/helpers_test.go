package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

const (
	testClientID = "client-1"
	testSecret   = "s3cret"
	testRedirect = "https://app.example/oidc/callback/conn-1"
	testTenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
)

// testKey is one RSA key shared by the providers of this package's tests,
// to keep the tests fast. It is never written after creation.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a provider and a relying party configured for it.
type env struct {
	op    *ssotest.OIDCProvider
	rp    *oidc.RP
	clock *clock
	cfg   oidc.Config
}

func alice() ssotest.OIDCUser {
	return ssotest.OIDCUser{
		Subject: "alice-sub", Email: "alice@acme.example", Name: "Alice Doe", TenantID: testTenant,
		Claims:            map[string]any{"email_verified": true, "groups": []any{"g-admins", "g-staff"}},
		AccessTokenClaims: map[string]any{"scp": "w2w openid"},
	}
}

// newEnv starts a provider and builds a relying party; opCfg and rpCfg
// may adjust the defaults.
func newEnv(t testing.TB, opCfg func(*ssotest.OIDCProviderConfig), rpCfg func(*oidc.Config)) *env {
	t.Helper()
	clk := newClock()
	oc := ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: testClientID, Secret: testSecret, RedirectURIs: []string{testRedirect}}},
		Users:   []ssotest.OIDCUser{alice()},
		Key:     testKey(),
		Now:     clk.Now,
	}
	if opCfg != nil {
		opCfg(&oc)
	}
	op, err := ssotest.NewOIDCProvider(oc)
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	t.Cleanup(op.Close)
	c := oidc.Config{
		Issuer: op.Issuer(), ClientID: testClientID, ClientSecret: testSecret,
		RedirectURL: testRedirect, StateKey: make([]byte, 32),
		HTTPClient: op.Client(), Now: clk.Now,
	}
	if rpCfg != nil {
		rpCfg(&c)
	}
	rp, err := oidc.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return &env{op: op, rp: rp, clock: clk, cfg: c}
}

// login runs the browser part of a login and returns the callback.
func (e *env) login(t testing.TB, req oidc.LoginRequest) oidc.Callback {
	t.Helper()
	l, err := e.rp.Begin(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	cbURL, err := e.op.Authorize(context.Background(), l.URL)
	if err != nil {
		t.Fatal(err)
	}
	return callbackFrom(t, cbURL, l.State)
}

func callbackFrom(t testing.TB, u *url.URL, cookie string) oidc.Callback {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.AddCookie(&http.Cookie{Name: "oidc_state", Value: cookie})
	return oidc.CallbackFromRequest(r, "oidc_state")
}

// fullLogin runs a whole login and returns the result.
func (e *env) fullLogin(t testing.TB) (*oidc.Tokens, error) {
	t.Helper()
	return e.rp.Exchange(context.Background(), e.login(t, oidc.LoginRequest{}))
}

// decodeSegment decodes part i of a compact JWT.
func decodeSegment(t *testing.T, jwt string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
