package sso_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const partnerKey = "0123456789abcdef0123456789abcdef-itglue"

func jwtConn() sso.Connection {
	return sso.Connection{ID: "partner", Kind: sso.KindJWT, Mode: sso.ModeRequired,
		Parameters: sso.Parameters{SharedSecret: "env:ITGLUE_SSO_KEY", RemoteLoginURL: "https://partner.example/itglue/sso"}}
}

func newJWTEnv(t *testing.T) *env {
	return newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "itglue", Connections: []sso.Connection{jwtConn()}}, {Slug: "globex", Connections: []sso.Connection{jwtConn()}}},
		users:   []sso.User{{ID: "someone", Tenant: "itglue", Email: "someone@example.com"}},
		secrets: sso.Secrets{LookupEnv: func(n string) (string, bool) { return partnerKey, n == "ITGLUE_SSO_KEY" }},
	})
}

// partnerRedirect is what the partner's login script sends the browser to.
func partnerRedirect(e *env, tenant string, tok jwtsso.Token, secret, returnTo string) string {
	e.t.Helper()
	jwt, err := jwtsso.Minter{Secret: []byte(secret)}.Mint(tok)
	if err != nil {
		e.t.Fatal(err)
	}
	q := url.Values{"jwt": {jwt}}
	if returnTo != "" {
		q.Set("return_to", returnTo)
	}
	return "/sso/" + tenant + "/jwt?" + q.Encode()
}

func TestJWTLoginWithReturnTo(t *testing.T) {
	e := newJWTEnv(t)
	// Enforced SSO: the login start sends the user to the partner's script.
	loc, _ := url.Parse(e.start("/sso/itglue/login?return_to=/1/configurations/12345"))
	if loc.Host != "partner.example" || loc.Query().Get("return_to") != e.srv.URL+"/1/configurations/12345" {
		t.Fatalf("partner login URL %v", loc)
	}
	// The partner's script signs a token and sends the browser back.
	jwt, err := jwtsso.Minter{Secret: []byte(partnerKey)}.Mint(jwtsso.Token{Email: "Someone@Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	target := "/sso/itglue/jwt?jwt=" + jwt + "&return_to=" + url.QueryEscape(loc.Query().Get("return_to"))
	res := e.wantLoggedIn(e.get(e.browser, target))
	if res.User.ID != "someone" || res.ReturnTo != e.srv.URL+"/1/configurations/12345" || res.Identity.Kind != sso.KindJWT {
		t.Fatalf("result %+v returnTo %q", res.User, res.ReturnTo)
	}

	t.Run("the same token again is replayed_token", func(t *testing.T) {
		resp, body := e.get(e.newBrowser(), target)
		wantError(t, resp, body, sso.CodeReplayed)
	})
}

func TestJWTFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tenant   string
		tok      jwtsso.Token
		secret   string
		returnTo string
		code     sso.Code
	}{
		{"wrong key is signature_invalid", "itglue", jwtsso.Token{Email: "someone@example.com"}, partnerKey + "x", "", sso.CodeSignature},
		{"stale iat is assertion_expired", "itglue", jwtsso.Token{Email: "someone@example.com", IssuedAt: time.Now().Add(-time.Hour)}, partnerKey, "", sso.CodeExpired},
		{"unknown user is user_not_allowed (no creation)", "itglue", jwtsso.Token{Email: "nobody@example.com"}, partnerKey, "", sso.CodeNotAllowed},
		{"another tenant's user is domain_not_verified", "globex", jwtsso.Token{Email: "someone@example.com"}, partnerKey, "", sso.CodeDomainNotVerified},
		{"foreign return_to is invalid_return_to", "itglue", jwtsso.Token{Email: "someone@example.com"}, partnerKey, "https://evil.example/", sso.CodeInvalidReturnTo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newJWTEnv(t)
			resp, body := e.get(e.browser, partnerRedirect(e, tc.tenant, tc.tok, tc.secret, tc.returnTo))
			wantError(t, resp, body, tc.code)
			if e.lastSession() != nil {
				t.Fatal("a session was started")
			}
		})
	}
	t.Run("missing jwt is refused", func(t *testing.T) {
		e := newJWTEnv(t)
		resp, body := e.get(e.browser, "/sso/itglue/jwt")
		if resp.StatusCode < 400 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("oversized POST body is refused before verification", func(t *testing.T) {
		e := newJWTEnv(t)
		resp, err := e.browser.PostForm(e.srv.URL+"/sso/itglue/jwt", url.Values{"jwt": {string(make([]byte, 1<<20))}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode == http.StatusInternalServerError {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

// The whole IT Glue flow in a browser: enforced SSO sends the user to the
// partner's script, which signs a token and sends the browser back.
func TestJWTBrowserFlowThroughThePartnerScript(t *testing.T) {
	partner := ssotest.NewJWTPartner([]byte(partnerKey), "someone@example.com", "")
	defer partner.Close()
	c := jwtConn()
	c.Parameters.RemoteLoginURL = partner.LoginURL()
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "itglue", Connections: []sso.Connection{c}}},
		users:   []sso.User{{ID: "someone", Tenant: "itglue", Email: "someone@example.com"}},
		secrets: sso.Secrets{LookupEnv: func(n string) (string, bool) { return partnerKey, n == "ITGLUE_SSO_KEY" }},
	})
	partner.Endpoint = e.srv.URL + "/sso/itglue/jwt"
	toPartner := e.start("/sso/itglue/login?return_to=/1/configurations/12345")
	resp, body := e.get(e.browser, toPartner)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("partner %d %s", resp.StatusCode, body)
	}
	res := e.wantLoggedIn(e.get(e.browser, resp.Header.Get("Location")))
	if res.User.ID != "someone" || res.ReturnTo != e.srv.URL+"/1/configurations/12345" {
		t.Fatalf("user %q returnTo %q", res.User.ID, res.ReturnTo)
	}

	t.Run("a stale token from the partner is assertion_expired", func(t *testing.T) {
		partner.IssuedAt = -10 * time.Minute
		defer func() { partner.IssuedAt = 0 }()
		resp, _ := e.get(e.browser, e.start("/sso/itglue/login"))
		resp, body := e.get(e.browser, resp.Header.Get("Location"))
		wantError(t, resp, body, sso.CodeExpired)
	})
}

func jwtToken(email string) jwtsso.Token { return jwtsso.Token{Email: email} }
