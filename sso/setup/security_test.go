package setup_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

func oidcInput(id, secret string) map[string]any {
	return map[string]any{"id": id, "kind": "oidc", "parameters": map[string]any{
		"discoveryEndpoint": "https://idp.example.com", "clientId": "client-1", "clientSecret": secret}}
}

func TestLinkTokens(t *testing.T) {
	e := newEnv(t)
	link, err := e.setup.NewLink("acme", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	tok := u.Query().Get("token")
	parts := strings.Split(tok, ".")
	other, _ := e.setup.NewLink("globex", time.Hour)
	ou, _ := url.Parse(other)
	otherParts := strings.Split(ou.Query().Get("token"), ".")
	cases := []struct {
		name, token string
	}{
		{"tenant swapped keeps the old signature", otherParts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3]},
		{"expiry extended keeps the old signature", parts[0] + ".99999999999." + parts[2] + "." + parts[3]},
		{"signature of another link", parts[0] + "." + parts[1] + "." + parts[2] + "." + otherParts[3]},
		{"signature removed", parts[0] + "." + parts[1] + "." + parts[2] + "."},
		{"three parts", parts[0] + "." + parts[1] + "." + parts[2]},
		{"too long", strings.Repeat("a", setup.MaxLinkTokenBytes+1)},
		{"empty", ""},
	}
	for _, c := range cases {
		t.Run(c.name+" is rejected", func(t *testing.T) {
			if _, err := e.setup.ParseLink(c.token); !errors.Is(err, setup.ErrLinkInvalid) {
				t.Fatalf("ParseLink = %v, want ErrLinkInvalid", err)
			}
			res, _ := e.client(t).do("GET", "/setup/link?token="+url.QueryEscape(c.token), nil, "")
			if res.StatusCode != 403 {
				t.Fatalf("opening it answered %d, want 403", res.StatusCode)
			}
		})
	}
	t.Run("a link signed with another key is rejected", func(t *testing.T) {
		h2, err := setup.New(setup.Config{BaseURL: "https://x.example/setup", SSOBaseURL: "https://x.example/sso",
			Store: e.store, LinkKey: []byte(strings.Repeat("z", 32)), Now: func() time.Time { return e.now }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h2.ParseLink(tok); !errors.Is(err, setup.ErrLinkInvalid) {
			t.Fatalf("ParseLink = %v", err)
		}
	})
	t.Run("the genuine link names its tenant", func(t *testing.T) {
		l, err := e.setup.ParseLink(tok)
		if err != nil || l.Tenant != "acme" || !l.Expires.Equal(t0.Add(time.Hour)) {
			t.Fatalf("ParseLink = %+v, %v", l, err)
		}
	})
}

func TestLinkExpiry(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	c.json("GET", "/setup/api/connections", nil, 200, nil)
	e.now = t0.Add(time.Hour) // the link was valid for one hour
	c.json("GET", "/setup/api/connections", nil, 401, nil)
	link, _ := e.setup.NewLink("acme", time.Minute)
	e.now = e.now.Add(2 * time.Minute)
	res, body := e.client(t).do("GET", link, nil, "")
	if res.StatusCode != 403 || !strings.Contains(body, "expired") {
		t.Fatalf("expired link answered %d %s", res.StatusCode, body)
	}
	u, _ := url.Parse(link)
	var le *setup.LinkExpiredError
	if _, err := e.setup.ParseLink(u.Query().Get("token")); !errors.As(err, &le) || le.Tenant != "acme" {
		t.Fatalf("ParseLink = %v, want LinkExpiredError", err)
	}
}

func TestNoAccessWithoutLinkOrHost(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/setup/", "/setup/api/connections", "/setup/api/session"} {
		if res, _ := e.client(t).do("GET", p, nil, ""); res.StatusCode != 401 {
			t.Errorf("GET %s without a session answered %d", p, res.StatusCode)
		}
	}
}

// A link for acme never reaches globex's connections, through the API or
// the pages.
func TestLinkCannotReachAnotherTenant(t *testing.T) {
	e := newEnv(t)
	if _, err := e.store.Put(context.Background(), "globex", sso.Connection{ID: "corp", Kind: sso.KindOIDC,
		Parameters: sso.Parameters{DiscoveryEndpoint: "https://globex.example", ClientID: "globex-client", ClientSecret: "globex-secret"}}); err != nil {
		t.Fatal(err)
	}
	c := e.openLink(t, "acme")
	c.json("GET", "/setup/api/connections/corp", nil, 404, nil)
	c.json("PUT", "/setup/api/connections/corp", map[string]any{"kind": "oidc", "version": 1,
		"parameters": map[string]any{"discoveryEndpoint": "https://evil.example", "clientId": "x", "clientSecret": "y"}}, 404, nil)
	c.json("POST", "/setup/api/connections/corp/run", map[string]any{}, 404, nil)
	c.json("DELETE", "/setup/api/connections/corp?version=1", nil, 404, nil)
	var list []setup.ConnectionView
	c.json("GET", "/setup/api/connections", nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("acme sees %d connections", len(list))
	}
	_, page := c.do("GET", "/setup/?edit=corp", nil, "")
	if strings.Contains(page, "globex-client") || strings.Contains(page, "globex.example") {
		t.Fatal("the page shows globex's connection")
	}
	if res, _ := c.do("GET", "/setup/connections/corp/test?csrf="+url.QueryEscape(c.csrf), nil, ""); res.StatusCode != 404 {
		t.Fatalf("test login of globex's connection answered %d", res.StatusCode)
	}
	if res, _ := c.form("/setup/connections/corp/delete", url.Values{"version": {"1"}}); res.StatusCode != 404 {
		t.Fatalf("page delete of globex's connection answered %d", res.StatusCode)
	}
	res, _ := c.form("/setup/connections", url.Values{"id": {"corp"}, "kind": {"oidc"}, "version": {"1"},
		"parameters.discoveryEndpoint": {"https://evil.example"}, "parameters.clientId": {"x"}, "parameters.clientSecret": {"y"}})
	if res.StatusCode != 404 {
		t.Fatalf("form update of globex's connection answered %d", res.StatusCode)
	}
	got, err := e.store.Connection(context.Background(), "globex", "corp")
	if err != nil || got.Parameters.DiscoveryEndpoint != "https://globex.example" || got.Version != 1 {
		t.Fatalf("globex's connection changed: %+v %v", got, err)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	other := e.openLink(t, "acme") // another link session, same tenant
	create := url.Values{"new": {"1"}, "id": {"corp"}, "kind": {"oidc"}, "parameters.discoveryEndpoint": {"https://idp.example.com"},
		"parameters.clientId": {"c"}, "parameters.clientSecret": {"s"}}
	cases := []struct {
		name, token string
	}{
		{"missing token", ""},
		{"wrong token", "AAAA"},
		{"token of another session", other.csrf},
	}
	for _, tc := range cases {
		t.Run("form with "+tc.name+" is refused", func(t *testing.T) {
			v := url.Values{}
			for k, x := range create {
				v[k] = x
			}
			v.Set("csrf", tc.token)
			if res, _ := c.form("/setup/connections", v); res.StatusCode != 403 {
				t.Fatalf("forged POST answered %d, want 403", res.StatusCode)
			}
			saved := c.csrf
			c.csrf = tc.token
			c.json("POST", "/setup/api/connections", oidcInput("corp", "s"), 403, nil)
			c.json("POST", "/setup/scim/rotate", nil, 403, nil)
			c.csrf = saved
		})
	}
	if _, err := e.store.Connection(context.Background(), "acme", "corp"); !errors.Is(err, sso.ErrNotFound) {
		t.Fatalf("a forged request saved a connection: %v", err)
	}
	if tok := c.pageCSRF(); tok != c.csrf {
		t.Fatalf("page token %q differs from the API's %q", tok, c.csrf)
	}
	if res, body := c.form("/setup/connections", create); res.StatusCode != 200 {
		t.Fatalf("genuine POST answered %d: %s", res.StatusCode, body)
	}
}

func TestHostAuthorize(t *testing.T) {
	e := newEnv(t)
	e.hostTenant = "initech"
	c := e.client(t)
	get := func() string {
		res, body := c.do("GET", "/setup/", nil, "")
		if res.StatusCode != 200 {
			t.Fatalf("host admin page answered %d", res.StatusCode)
		}
		return body
	}
	// The Authorize hook reads a header, so send it on every request.
	c.http.Transport = headerTransport{}
	body := get()
	if !strings.Contains(body, `id="tenant">initech<`) {
		t.Fatal("the page is not initech's")
	}
	m := csrfField.FindStringSubmatch(get())
	c.csrf = m[1]
	c.json("POST", "/setup/api/connections", oidcInput("corp", "s"), 201, nil)
	if _, err := e.store.Connection(context.Background(), "initech", "corp"); err != nil {
		t.Fatal(err)
	}
	c.csrf = "wrong"
	c.json("POST", "/setup/api/connections", oidcInput("corp2", "s"), 403, nil)
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	for _, p := range []string{"/setup/", "/setup/api/connections", "/setup/link?token=x"} {
		res, _ := c.do("GET", p, nil, "")
		h := res.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
			h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}

func TestTestLoginEndpointsNeedTheirSignedState(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	cases := []struct{ name, method, path, cookie string }{
		{"SAML ACS without state", "POST", "/setup/test/saml/acs", ""},
		{"SAML ACS with forged state", "POST", "/setup/test/saml/acs", "YWNtZQ.Y29ycA.aWQ.99999999999.AAAA"},
		{"OIDC callback without state", "GET", "/setup/test/oidc/callback?code=x&state=y", ""},
		{"OIDC callback with forged state", "GET", "/setup/test/oidc/callback?code=x&state=y", "Z2xvYmV4.Y29ycA..99999999999.AAAA"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, strings.NewReader("SAMLResponse=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "ssokit_setup_test", Value: tc.cookie})
			}
			res, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 400 {
				t.Fatalf("answered %d, want 400", res.StatusCode)
			}
		})
	}
}
