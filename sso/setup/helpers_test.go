package setup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var linkKey = bytes.Repeat([]byte("k"), 32)

// env is a host with an sso handler at /sso and setup at /setup.
type env struct {
	srv    *httptest.Server
	store  *sso.MemoryStore
	setup  *setup.Handler
	sso    *sso.Handler
	tokens *scim.TokenSet
	now    time.Time
	// idp is the transport to identity providers (default: plain).
	idp http.RoundTripper
	// hostTenant is what the host's Authorize hook grants (empty: none).
	hostTenant string
	// dom holds the tenants' domains; txt is the DNS its proofs are
	// looked up in (see txtZone).
	dom *domains.Service
	txt *txtZone
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{now: t0, tokens: scim.NewTokenSet(), txt: newTXTZone()}
	store, err := sso.NewMemoryStore(sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	e.store = store
	dom, err := domains.New(domains.Config{Resolver: e.txt, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	e.dom = dom
	if _, err := dom.VerifyManually(context.Background(), "acme", "acme.example", domains.Override{Operator: "test", Reason: "fixture"}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.sso, err = sso.New(sso.Config{BaseURL: e.srv.URL + "/sso", StateKey: linkKey, Store: store,
		Users: sso.NewMemoryUsers(), DebugClaims: 8, InsecureCookies: true, Domains: dom, HTTPClient: &http.Client{Transport: e},
		Sessions: sso.SessionFunc(func(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
			http.SetCookie(w, &http.Cookie{Name: "app_session", Value: res.User.ID, Path: "/"})
			return nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso",
		SSO: e.sso, Store: store, LinkKey: linkKey, SCIMTokens: &setup.MemorySCIMTokens{Set: e.tokens},
		SCIMBaseURL: e.srv.URL + "/scim/v2", InsecureCookies: true, HTTPClient: &http.Client{Transport: e},
		Domains: dom,
		SCIMRequests: func(_ context.Context, tenant string, _ int) ([]setup.SCIMRequest, error) {
			if tenant != "acme" {
				return nil, nil
			}
			return []setup.SCIMRequest{{At: t0, Method: "POST", Path: "/scim/v2/Users", Status: 201}}, nil
		},
		Now: func() time.Time { return e.now },
		Authorize: func(r *http.Request) (string, bool) {
			if e.hostTenant != "" && r.Header.Get("X-Host-Admin") == "yes" {
				return e.hostTenant, true
			}
			return "", false
		}})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/sso/", e.sso)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("app_session"); err == nil {
			fmt.Fprintf(w, `<p id="signed-in">signed in as %s</p>`, html.EscapeString(c.Value))
			return
		}
		http.Error(w, "not signed in", http.StatusUnauthorized)
	})
	mux.Handle("/setup/", e.setup)
	return e
}

// client is a browser-like client with a cookie jar.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, http: &http.Client{Jar: jar}}
}

// openLink opens a setup link for tenant and reads the CSRF token.
func (e *env) openLink(t *testing.T, tenant string) *client {
	t.Helper()
	c := e.client(t)
	link, err := e.setup.NewLink(tenant, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res, body := c.do("GET", link, nil, "")
	if res.StatusCode != 200 {
		t.Fatalf("opening the link: %d %s", res.StatusCode, body)
	}
	var s setup.Session
	c.json("GET", "/setup/api/session", nil, 200, &s)
	if s.Tenant != tenant {
		t.Fatalf("session tenant %q, want %q", s.Tenant, tenant)
	}
	c.csrf = s.CSRFToken
	return c
}

func (c *client) do(method, path string, body io.Reader, ctype string) (*http.Response, string) {
	c.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = c.e.srv.URL + path
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.csrf != "" && method != "GET" && ctype == "application/json" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// json sends v as JSON, checks the status and decodes the answer into out.
func (c *client) json(method, path string, v any, status int, out any) string {
	c.t.Helper()
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	res, text := c.do(method, path, body, "application/json")
	if res.StatusCode != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, text)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, text)
		}
	}
	return text
}

// form posts an HTML form with the session's CSRF token.
func (c *client) form(path string, vals url.Values) (*http.Response, string) {
	c.t.Helper()
	if _, ok := vals["csrf"]; !ok {
		vals.Set("csrf", c.csrf)
	}
	return c.do("POST", path, strings.NewReader(vals.Encode()), "application/x-www-form-urlencoded")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// pageCSRF reads the CSRF token from the setup page.
func (c *client) pageCSRF() string {
	c.t.Helper()
	_, body := c.do("GET", "/setup/", nil, "")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF field on the page: %s", body)
	}
	return m[1]
}

// headerTransport marks requests as coming from the host's signed-in
// admin.
type headerTransport struct{}

func (headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Host-Admin", "yes")
	return http.DefaultTransport.RoundTrip(r)
}

// RoundTrip sends the sso handler's requests to identity providers
// through e.idp, which a test sets once its provider runs.
func (e *env) RoundTrip(r *http.Request) (*http.Response, error) {
	if e.idp != nil {
		return e.idp.RoundTrip(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}
