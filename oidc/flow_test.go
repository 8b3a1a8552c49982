package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

func TestLoginFlow(t *testing.T) {
	e := newEnv(t, nil, func(c *oidc.Config) { c.FetchUserInfo = true; c.OfflineAccess = true; c.CustomScopes = "w2w  api.read" })
	ctx := context.Background()
	l, err := e.rp.Begin(ctx, oidc.LoginRequest{ReturnTo: "/reports?id=7", ConnectionID: "conn-1", LoginHint: "alice@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(l.URL)
	q := u.Query()
	if got := q.Get("scope"); got != "openid profile email w2w api.read offline_access" {
		t.Errorf("scope = %q", got)
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
		t.Errorf("PKCE or nonce missing from %s", l.URL)
	}
	if q.Get("state") != l.State || q.Get("login_hint") != "alice@acme.example" {
		t.Errorf("state or login_hint not sent")
	}
	cbURL, err := e.op.Authorize(ctx, l.URL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.rp.Exchange(ctx, callbackFrom(t, cbURL, l.State))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Subject != "alice-sub" || tok.IDToken.Claims["email"] != "alice@acme.example" {
		t.Errorf("identity = %q %v", tok.Subject, tok.IDToken.Claims)
	}
	if !slices.Equal(anyStrings(tok.IDToken.Claims["groups"]), []string{"g-admins", "g-staff"}) {
		t.Errorf("groups = %v", tok.IDToken.Claims["groups"])
	}
	if tok.ReturnTo != "/reports?id=7" || tok.ConnectionID != "conn-1" {
		t.Errorf("state round trip: %q %q", tok.ReturnTo, tok.ConnectionID)
	}
	if tok.AccessTokenClaims["scp"] == nil || tok.AccessTokenClaims["sub"] != "alice-sub" {
		t.Errorf("access token claims = %v", tok.AccessTokenClaims)
	}
	if tok.RefreshToken == "" || tok.Expiry.IsZero() || tok.TokenType != "Bearer" {
		t.Errorf("refresh token %q expiry %v type %q", tok.RefreshToken, tok.Expiry, tok.TokenType)
	}
	if tok.UserInfo["sub"] != "alice-sub" || tok.UserInfo["name"] != "Alice Doe" {
		t.Errorf("userinfo = %v", tok.UserInfo)
	}
	if tok.GroupsOverage != nil {
		t.Errorf("unexpected groups overage %v", tok.GroupsOverage)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestClientAuthentication(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		rpMethod oidc.AuthMethod
		wantErr  bool
	}{
		{"client_secret_basic is accepted", ssotest.OIDCClientSecretBasic, oidc.ClientSecretBasic, false},
		{"client_secret_post is accepted", ssotest.OIDCClientSecretPost, oidc.ClientSecretPost, false},
		{"basic where post is required is refused", ssotest.OIDCClientSecretPost, oidc.ClientSecretBasic, true},
		{"post where basic is required is refused", ssotest.OIDCClientSecretBasic, oidc.ClientSecretPost, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *ssotest.OIDCProviderConfig) { c.Clients[0].AuthMethod = tt.method },
				func(c *oidc.Config) { c.AuthMethod = tt.rpMethod })
			_, err := e.fullLogin(t)
			if tt.wantErr {
				var ex *oidc.ExchangeError
				if !errors.As(err, &ex) || ex.Code != "invalid_client" || !errors.Is(err, oidc.ErrCodeExchange) {
					t.Fatalf("err = %v, want invalid_client exchange error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestScopes(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*oidc.Config)
		want string
	}{
		{"default scopes", nil, "openid profile email"},
		{"custom scopes are space-delimited and deduplicated", func(c *oidc.Config) { c.CustomScopes = " okta.users.read  email " }, "openid profile email okta.users.read"},
		{"configured scopes keep openid first", func(c *oidc.Config) { c.Scopes = []string{"email", "openid"} }, "openid email"},
		{"offline_access when refresh is wanted", func(c *oidc.Config) { c.OfflineAccess = true }, "openid profile email offline_access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, tt.cfg)
			if got := strings.Join(e.rp.Scopes(), " "); got != tt.want {
				t.Errorf("scopes = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoginCookie(t *testing.T) {
	e := newEnv(t, nil, nil)
	l, err := e.rp.Begin(context.Background(), oidc.LoginRequest{})
	if err != nil {
		t.Fatal(err)
	}
	c := l.Cookie("oidc_state", "/sso/")
	if c.Value != l.State || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || !c.Expires.Equal(l.Expires) {
		t.Errorf("cookie = %+v", c)
	}
	if err := c.Valid(); err != nil {
		t.Errorf("invalid cookie: %v", err)
	}
	if _, err := e.rp.Begin(context.Background(), oidc.LoginRequest{ReturnTo: strings.Repeat("x", 2000)}); err == nil {
		t.Error("oversized ReturnTo accepted")
	}
}
