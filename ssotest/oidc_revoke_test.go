package ssotest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/ssokit/ssokit/ssotest"
	"golang.org/x/oauth2"
)

// startRevokeOP starts a provider with three clients: "app" (either secret
// method), "post-app" (client_secret_post only) and "other".
func startRevokeOP(t *testing.T) *ssotest.OIDCProvider {
	t.Helper()
	return startOP(t, func(c *ssotest.OIDCProviderConfig) {
		c.AlwaysIssueRefreshToken = true
		c.Clients = append(c.Clients,
			ssotest.OIDCClient{ID: "post-app", Secret: "p", RedirectURIs: []string{redirect}, AuthMethod: ssotest.OIDCClientSecretPost},
			ssotest.OIDCClient{ID: "other", Secret: "o", RedirectURIs: []string{redirect}})
	})
}

// clientConfig is oauthConfig for another client and auth style.
func clientConfig(op *ssotest.OIDCProvider, id, secret string, style oauth2.AuthStyle) *oauth2.Config {
	cfg := oauthConfig(op)
	cfg.ClientID, cfg.ClientSecret, cfg.Endpoint.AuthStyle = id, secret, style
	return cfg
}

// grant runs the code flow for cfg and returns the token response.
func grant(t *testing.T, op *ssotest.OIDCProvider, cfg *oauth2.Config) *oauth2.Token {
	t.Helper()
	v := oauth2.GenerateVerifier()
	cb, err := op.Authorize(context.Background(), cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(clientCtx(op), cb.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token issued")
	}
	return tok
}

// revoke posts an RFC 7009 request the way x/oauth2 posts token requests:
// with cfg's client credentials in the Authorization header
// (AuthStyleInHeader, id and secret form-encoded) or in the form
// (AuthStyleInParams). It returns the status and the OAuth error code.
func revoke(t *testing.T, op *ssotest.OIDCProvider, cfg *oauth2.Config, form url.Values) (int, string) {
	t.Helper()
	if cfg.Endpoint.AuthStyle == oauth2.AuthStyleInParams {
		form.Set("client_id", cfg.ClientID)
		form.Set("client_secret", cfg.ClientSecret)
	}
	req, err := http.NewRequest(http.MethodPost, op.RevocationURL(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cfg.Endpoint.AuthStyle == oauth2.AuthStyleInHeader {
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	resp, err := op.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	if resp.StatusCode != http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("status %d with an unreadable error body: %v", resp.StatusCode, err)
		}
	}
	return resp.StatusCode, body.Error
}

// refresh runs the refresh_token grant with rt and returns its error.
func refresh(op *ssotest.OIDCProvider, cfg *oauth2.Config, rt string) error {
	_, err := cfg.TokenSource(clientCtx(op), &oauth2.Token{RefreshToken: rt}).Token()
	return err
}

func TestOIDCProviderRevocation(t *testing.T) {
	op := startRevokeOP(t)
	basic := clientConfig(op, "app", "s", oauth2.AuthStyleInHeader)
	post := clientConfig(op, "post-app", "p", oauth2.AuthStyleInParams)
	for _, tc := range []struct {
		name string
		cfg  *oauth2.Config
		form url.Values
	}{
		{"client_secret_basic revokes the grant", basic, url.Values{}},
		{"client_secret_post revokes the grant", post, url.Values{"token_type_hint": {"refresh_token"}}},
		{"a wrong token_type_hint is only a hint", basic, url.Values{"token_type_hint": {"access_token"}}},
		{"an unknown token_type_hint is ignored", post, url.Values{"token_type_hint": {"id_token"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := grant(t, op, tc.cfg).RefreshToken
			if err := refresh(op, tc.cfg, rt); err != nil {
				t.Fatalf("refresh before revocation: %v", err)
			}
			tc.form.Set("token", rt)
			if code, e := revoke(t, op, tc.cfg, tc.form); code != http.StatusOK {
				t.Fatalf("revoke: %d %s", code, e)
			}
			wantOAuthError(t, refresh(op, tc.cfg, rt), "invalid_grant")
			if code, e := revoke(t, op, tc.cfg, tc.form); code != http.StatusOK {
				t.Errorf("revoking again: %d %s, want 200", code, e)
			}
		})
	}
}

func TestOIDCProviderRevocationRotatedGrant(t *testing.T) {
	op := startOP(t, func(c *ssotest.OIDCProviderConfig) {
		c.AlwaysIssueRefreshToken, c.RotateRefreshTokens = true, true
	})
	cfg := oauthConfig(op)
	first := grant(t, op, cfg).RefreshToken
	next, err := cfg.TokenSource(clientCtx(op), &oauth2.Token{RefreshToken: first}).Token()
	if err != nil || next.RefreshToken == "" || next.RefreshToken == first {
		t.Fatalf("rotation: %v %q", err, next.RefreshToken)
	}
	if code, e := revoke(t, op, cfg, url.Values{"token": {next.RefreshToken}}); code != http.StatusOK {
		t.Fatalf("revoke: %d %s", code, e)
	}
	wantOAuthError(t, refresh(op, cfg, next.RefreshToken), "invalid_grant")
}

func TestOIDCProviderRevocationRefusals(t *testing.T) {
	op := startRevokeOP(t)
	app := clientConfig(op, "app", "s", oauth2.AuthStyleInHeader)
	tok := grant(t, op, app)
	rt := tok.RefreshToken
	for _, tc := range []struct {
		name    string
		cfg     *oauth2.Config
		form    url.Values
		status  int
		errCode string
	}{
		{"wrong client secret is refused", clientConfig(op, "app", "nope", oauth2.AuthStyleInHeader),
			url.Values{"token": {rt}}, http.StatusUnauthorized, "invalid_client"},
		{"unknown client is refused", clientConfig(op, "ghost", "s", oauth2.AuthStyleInParams),
			url.Values{"token": {rt}}, http.StatusUnauthorized, "invalid_client"},
		{"no client authentication is refused", clientConfig(op, "", "", oauth2.AuthStyleInParams),
			url.Values{"token": {rt}}, http.StatusUnauthorized, "invalid_client"},
		{"post-only client using basic is refused", clientConfig(op, "post-app", "p", oauth2.AuthStyleInHeader),
			url.Values{"token": {rt}}, http.StatusUnauthorized, "invalid_client"},
		{"another client cannot revoke the grant", clientConfig(op, "other", "o", oauth2.AuthStyleInHeader),
			url.Values{"token": {rt}}, http.StatusBadRequest, "invalid_grant"},
		{"access token is an unsupported token type", app,
			url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}, http.StatusBadRequest, "unsupported_token_type"},
		{"missing token is an invalid request", app, url.Values{}, http.StatusBadRequest, "invalid_request"},
		{"unknown token is answered 200", app, url.Values{"token": {"never-issued"}}, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, e := revoke(t, op, tc.cfg, tc.form)
			if code != tc.status || e != tc.errCode {
				t.Errorf("revoke: %d %q, want %d %q", code, e, tc.status, tc.errCode)
			}
			if err := refresh(op, app, rt); err != nil {
				t.Errorf("the grant no longer refreshes: %v", err)
			}
		})
	}
}

func TestOIDCProviderRevocationDiscovery(t *testing.T) {
	op := startOP(t, nil)
	resp, err := op.Client().Get(op.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Revocation string   `json:"revocation_endpoint"`
		Methods    []string `json:"revocation_endpoint_auth_methods_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.Revocation != op.URL+"/revoke" || d.Revocation != op.RevocationURL() || len(d.Methods) != 3 {
		t.Errorf("discovery: revocation_endpoint %q, methods %v", d.Revocation, d.Methods)
	}
	resp, err = op.Client().Get(op.RevocationURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /revoke: %d, want 405", resp.StatusCode)
	}
}

func TestOIDCProviderRevocationPrivateKeyJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := startOP(t, func(c *ssotest.OIDCProviderConfig) {
		c.AlwaysIssueRefreshToken = true
		c.Clients[0] = ssotest.OIDCClient{ID: "app", RedirectURIs: []string{redirect}, AuthMethod: ssotest.OIDCPrivateKeyJWT, PublicKey: &key.PublicKey}
	})
	assertion := func(jti string) url.Values {
		tok, _ := jwt.NewBuilder().Issuer("app").Subject("app").Audience([]string{op.TokenURL()}).
			JwtID(jti).Expiration(time.Now().Add(time.Minute)).Build()
		b, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, key))
		if err != nil {
			t.Fatal(err)
		}
		return url.Values{"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {string(b)}}
	}
	post := func(endpoint string, form url.Values) (int, map[string]any) {
		resp, err := op.Client().PostForm(endpoint, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	c, v := code(t, op)
	form := assertion("jti-1")
	form.Set("grant_type", "authorization_code")
	form.Set("code", c)
	form.Set("code_verifier", v)
	form.Set("redirect_uri", redirect)
	status, tok := post(op.TokenURL(), form)
	rt, _ := tok["refresh_token"].(string)
	if status != http.StatusOK || rt == "" {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	form = assertion("jti-1")
	form.Set("token", rt)
	if status, body := post(op.RevocationURL(), form); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Errorf("replayed assertion: %d %v, want 401 invalid_client", status, body)
	}
	form = assertion("jti-2")
	form.Set("token", rt)
	if status, body := post(op.RevocationURL(), form); status != http.StatusOK {
		t.Fatalf("revoke: %d %v", status, body)
	}
	form = assertion("jti-3")
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", rt)
	if status, body := post(op.TokenURL(), form); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("refresh after revocation: %d %v, want 400 invalid_grant", status, body)
	}
}
