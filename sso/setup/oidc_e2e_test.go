package setup_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/ssotest"
)

// newOIDCProvider registers client "app" with the redirect URI the setup
// page shows for connection "corp" of acme; the URL is known only once
// the host runs, so the provider accepts it by prefix below.
func newOIDCProvider(t *testing.T, redirect func() string, more ...string) *ssotest.OIDCProvider {
	t.Helper()
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "app-secret-1234567890", RedirectURIs: append([]string{redirect()}, more...)}},
		Users: []ssotest.OIDCUser{{Subject: "u-ada", Email: "ada@acme.example", Name: "Ada Lovelace",
			Claims: map[string]any{"email_verified": true, "groups": []any{"eng"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	t.Cleanup(op.Close)
	return op
}

// An admin configures an OpenID Connect connection from the discovery
// endpoint, client id and secret; a user then signs in, and the admin
// sees the received claims without the secret ever coming back.
func TestOIDCSetupThenLoginOverHTTP(t *testing.T) {
	e := newEnv(t)
	e.now = time.Now()
	redirect := e.srv.URL + "/sso/acme/oidc/callback/corp"
	op := newOIDCProvider(t, func() string { return redirect }, e.srv.URL+"/setup/test/oidc/callback")
	e.idp = op.Client().Transport

	admin := e.openLink(t, "acme")
	_, page := admin.do("GET", "/setup/?idp=oidc", nil, "")
	if !strings.Contains(page, "Other OpenID Connect provider") {
		t.Fatalf("no OIDC guide:\n%s", page)
	}
	const secret = "app-secret-1234567890"
	res, page := admin.form("/setup/connections", url.Values{"new": {"1"}, "id": {"corp"}, "kind": {"oidc"},
		"mode": {"required"}, "provisioning": {"jit"}, "groupSync": {"none"},
		"parameters.discoveryEndpoint": {op.Issuer()}, "parameters.clientId": {"app"}, "parameters.clientSecret": {secret}})
	if res.StatusCode != 200 || !strings.Contains(page, "Saved corp") || strings.Contains(page, secret) {
		t.Fatalf("save answered %d:\n%s", res.StatusCode, page)
	}
	_, page = admin.do("GET", "/setup/?edit=corp", nil, "")
	if !strings.Contains(page, `id="redirect-uri">`+redirect+`<`) || strings.Contains(page, secret) {
		t.Fatalf("edit page: redirect URI missing or secret shown:\n%s", page)
	}

	// Test login: a real login at the provider through setup's callback.
	admin.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, _ = admin.do("GET", "/setup/connections/corp/test?csrf="+url.QueryEscape(admin.csrf), nil, "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("test login start answered %d", res.StatusCode)
	}
	cb, err := op.Authorize(t.Context(), res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	admin.http.CheckRedirect = nil
	res, page = admin.do("GET", cb.String(), nil, "")
	for _, want := range []string{"the IdP's response was accepted", "IDTOKEN", "ada@acme.example", "no user is created", "verified by the IdP"} {
		if !strings.Contains(page, want) {
			t.Fatalf("OIDC test login result lacks %q (%d):\n%s", want, res.StatusCode, page)
		}
	}
	if strings.Contains(page, secret) || hasSession(res) {
		t.Fatal("the test login shows the secret or starts a session")
	}

	user := e.client(t)
	user.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, body := user.do("GET", "/sso/acme/login?connection=corp", nil, "")
	if res.StatusCode != http.StatusFound {
		t.Fatalf("login start %d: %s", res.StatusCode, body)
	}
	cb, err = op.Authorize(t.Context(), res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	res, body = user.do("GET", cb.String(), nil, "")
	if res.StatusCode/100 != 3 || !hasSession(res) {
		t.Fatalf("callback %d without a session: %s", res.StatusCode, body)
	}
	_, page = admin.do("GET", "/setup/", nil, "")
	if !strings.Contains(page, "Last login through corp") || !strings.Contains(page, "ada@acme.example") || strings.Contains(page, secret) {
		t.Fatalf("the admin does not see the received claims:\n%s", page)
	}
}
