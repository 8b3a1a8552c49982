package ssotest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/ssokit/ssokit/ssotest"
	"golang.org/x/oauth2"
)

const redirect = "https://app.example/cb"

func startOP(t *testing.T, mod func(*ssotest.OIDCProviderConfig)) *ssotest.OIDCProvider {
	t.Helper()
	cfg := ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "s", RedirectURIs: []string{redirect}}},
		Users:   []ssotest.OIDCUser{{Subject: "u1", Email: "u1@example.com"}},
	}
	if mod != nil {
		mod(&cfg)
	}
	op, err := ssotest.NewOIDCProvider(cfg)
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	t.Cleanup(op.Close)
	return op
}

func oauthConfig(op *ssotest.OIDCProvider) *oauth2.Config {
	return &oauth2.Config{ClientID: "app", ClientSecret: "s", RedirectURL: redirect, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: op.URL + "/authorize", TokenURL: op.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
}

// code runs the authorize step and returns the code and the verifier.
func code(t *testing.T, op *ssotest.OIDCProvider, opts ...oauth2.AuthCodeOption) (string, string) {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	cb, err := op.Authorize(context.Background(), oauthConfig(op).AuthCodeURL("st", opts...))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Query().Get("state") != "st" || cb.Query().Get("iss") != op.URL {
		t.Errorf("callback %s lacks state or iss", cb)
	}
	return cb.Query().Get("code"), verifier
}

func clientCtx(op *ssotest.OIDCProvider) context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, op.Client())
}

func wantOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	re, ok := err.(*oauth2.RetrieveError)
	if !ok || re.ErrorCode != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

func TestOIDCProviderCodeGrant(t *testing.T) {
	op := startOP(t, nil)
	ctx := clientCtx(op)
	c, v := code(t, op)
	tok, err := oauthConfig(op).Exchange(ctx, c, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("id_token") == nil || tok.RefreshToken != "" {
		t.Errorf("token response: id_token %v, refresh token %q without offline_access", tok.Extra("id_token"), tok.RefreshToken)
	}
	t.Run("code reuse is refused", func(t *testing.T) {
		_, err := oauthConfig(op).Exchange(ctx, c, oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_grant")
	})
	t.Run("wrong PKCE verifier is refused", func(t *testing.T) {
		c, _ := code(t, op)
		_, err := oauthConfig(op).Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		wantOAuthError(t, err, "invalid_grant")
	})
	t.Run("wrong client secret is refused", func(t *testing.T) {
		c, v := code(t, op)
		cfg := oauthConfig(op)
		cfg.ClientSecret = "nope"
		_, err := cfg.Exchange(ctx, c, oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_client")
	})
	t.Run("expired code is refused", func(t *testing.T) {
		var offset atomic.Int64
		op := startOP(t, func(c *ssotest.OIDCProviderConfig) {
			c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		})
		c, v := code(t, op)
		offset.Store(int64(2 * time.Minute))
		_, err := oauthConfig(op).Exchange(clientCtx(op), c, oauth2.VerifierOption(v))
		wantOAuthError(t, err, "invalid_grant")
	})
}

func TestOIDCProviderAuthorizeErrors(t *testing.T) {
	op := startOP(t, nil)
	ctx := context.Background()
	cfg := oauthConfig(op)
	t.Run("unregistered redirect_uri gets no redirect", func(t *testing.T) {
		cfg := *cfg
		cfg.RedirectURL = "https://evil.example/cb"
		if _, err := op.Authorize(ctx, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption("v"))); err == nil {
			t.Fatal("redirected to an unregistered URI")
		}
	})
	t.Run("missing PKCE is refused", func(t *testing.T) {
		cb, err := op.Authorize(ctx, cfg.AuthCodeURL("st"))
		if err != nil || cb.Query().Get("error") != "invalid_request" || cb.Query().Has("code") {
			t.Fatalf("callback %v, %v", cb, err)
		}
	})
	t.Run("unknown login_hint is refused", func(t *testing.T) {
		cb, err := op.Authorize(ctx, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption("v"), oauth2.SetAuthURLParam("login_hint", "x@y")))
		if err != nil || cb.Query().Get("error") != "login_required" {
			t.Fatalf("callback %v, %v", cb, err)
		}
	})
}

func TestOIDCProviderPrivateKeyJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := startOP(t, func(c *ssotest.OIDCProviderConfig) {
		c.Clients[0] = ssotest.OIDCClient{ID: "app", RedirectURIs: []string{redirect}, AuthMethod: ssotest.OIDCPrivateKeyJWT, PublicKey: &key.PublicKey}
	})
	assertion := func(jti string) string {
		tok, _ := jwt.NewBuilder().Issuer("app").Subject("app").Audience([]string{op.TokenURL()}).
			JwtID(jti).Expiration(time.Now().Add(time.Minute)).Build()
		b, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, key))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	post := func(a string) int {
		c, v := code(t, op)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "code_verifier": {v}, "redirect_uri": {redirect},
			"client_id": {"app"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {a}}
		resp, err := op.Client().Post(op.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(assertion("jti-1")); got != http.StatusOK {
		t.Fatalf("valid assertion: status %d", got)
	}
	if got := post(assertion("jti-1")); got != http.StatusUnauthorized {
		t.Errorf("replayed assertion: status %d, want 401", got)
	}
	if got := post("not.a.jwt"); got != http.StatusUnauthorized {
		t.Errorf("garbage assertion: status %d, want 401", got)
	}
}

func TestOIDCProviderDiscoveryAndKeys(t *testing.T) {
	op := startOP(t, nil)
	get := func(path string) (int, map[string]any) {
		resp, err := op.Client().Get(op.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if code, d := get("/.well-known/openid-configuration"); code != 200 || d["issuer"] != op.URL || d["jwks_uri"] != op.URL+"/jwks" {
		t.Errorf("discovery %d %v", code, d)
	}
	if code, _ := get("/common/v2.0/.well-known/openid-configuration"); code != http.StatusNotFound {
		t.Errorf("multi-tenant discovery served by a single-tenant provider: %d", code)
	}
	if err := op.RotateKey(false); err != nil {
		t.Fatal(err)
	}
	_, set := get("/jwks")
	if keys, _ := set["keys"].([]any); len(keys) != 2 {
		t.Errorf("after rotation keeping the old key: %d keys", len(keys))
	}
	if n := op.JWKSRequests(); n != 1 {
		t.Errorf("JWKSRequests = %d", n)
	}
	resp, err := op.Client().Get(op.URL + "/userinfo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("userinfo without token: %d", resp.StatusCode)
	}
}
