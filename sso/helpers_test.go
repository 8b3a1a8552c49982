package sso_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/internal/syncbuf"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const opsGroupGUID = "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"

// env is a host application with ssokit mounted at /sso, an in-process
// OpenID provider and a browser with a cookie jar.
type env struct {
	t       *testing.T
	domains *domains.Service
	op      *ssotest.OIDCProvider
	srv     *httptest.Server
	h       *sso.Handler
	store   *sso.MemoryStore
	users   *sso.MemoryUsers
	members *groupsync.MemoryMemberships
	logs    *syncbuf.Buffer
	browser *http.Client

	mu       sync.Mutex
	sessions []*sso.Result
	// sessionErr makes StartSession fail.
	sessionErr error
	// onSession runs in StartSession (for example to enroll a refresh token).
	onSession func(*http.Request, *sso.Result) error
}

type envOptions struct {
	tenants   []sso.Tenant
	users     []sso.User
	opUsers   []ssotest.OIDCUser
	userStore sso.UserStore
	mount     func(h *sso.Handler) http.Handler // default: mux.Handle("/sso/", h)
	cfg       func(*sso.Config)
	secrets   sso.Secrets
	// verified are the domains an operator verified per tenant; nil means
	// defaultVerified. The env's domain service is e.domains.
	verified map[string][]string
	// multiTenant runs the provider in Entra ID's multi-tenant shape.
	multiTenant bool
}

// defaultVerified are the domains the tests' tenants own.
var defaultVerified = map[string][]string{
	"acme":   {"acme.example", "acme-labs.example"},
	"itglue": {"example.com"},
}

// newDomains returns a domain service where each tenant has verified its
// domains through an operator.
func newDomains(t *testing.T, verified map[string][]string) *domains.Service {
	t.Helper()
	svc, err := domains.New(domains.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for tenant, names := range verified {
		for _, n := range names {
			if _, err := svc.VerifyManually(t.Context(), tenant, n, domains.Override{Operator: "test", Reason: "test fixture"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return svc
}

// oidcConn is an OIDC connection to the env's provider, client "app".
func oidcConn(id string, kind sso.Kind) sso.Connection {
	return sso.Connection{ID: id, Kind: kind, Parameters: sso.Parameters{
		ClientID: "app", ClientSecret: "app-secret", DiscoveryEndpoint: "https://op.invalid"}}
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{t: t, logs: &syncbuf.Buffer{}}
	e.srv = httptest.NewUnstartedServer(nil)
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	base := e.srv.URL + "/sso"

	tenants := make([]sso.Tenant, len(o.tenants))
	for i, t := range o.tenants {
		t.Connections = slices.Clone(t.Connections)
		tenants[i] = t
	}
	o.tenants = tenants
	var redirects []string
	for i := range o.tenants {
		for j := range o.tenants[i].Connections {
			c := &o.tenants[i].Connections[j]
			id := c.ID
			if id == "" {
				id = string(c.Kind)
			}
			redirects = append(redirects, base+"/"+url.PathEscape(o.tenants[i].Slug)+"/oidc/callback/"+url.PathEscape(id))
		}
	}
	opUsers := o.opUsers
	if opUsers == nil {
		opUsers = []ssotest.OIDCUser{{Subject: "sub-ann", Email: "ann@acme.example", Name: "Ann"}}
	}
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients:     []ssotest.OIDCClient{{ID: "app", Secret: "app-secret", RedirectURIs: redirects}},
		Users:       opUsers,
		MultiTenant: o.multiTenant,
	})
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	t.Cleanup(op.Close)
	e.op = op
	for i := range o.tenants {
		for j := range o.tenants[i].Connections {
			c := &o.tenants[i].Connections[j]
			if c.Kind.IsOIDC() && c.Parameters.DiscoveryEndpoint == "https://op.invalid" {
				c.Parameters.DiscoveryEndpoint = op.Issuer()
			}
		}
	}
	e.store, err = sso.NewMemoryStore(o.secrets, o.tenants...)
	if err != nil {
		t.Fatal(err)
	}
	e.users = sso.NewMemoryUsers(o.users...)
	e.members = groupsync.NewMemoryMemberships("ops", "devs")
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces: []string{"Trial", "DevOps"}, Roles: []string{"Space Member", "Space Developer"},
		DefaultRole: "Space Member",
		Groups:      []mapping.Group{{ID: "ops", IdPID: opsGroupGUID}, {ID: "devs", IdPID: "devs-guid"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.verified == nil {
		o.verified = defaultVerified
	}
	e.domains = newDomains(t, o.verified)
	var users sso.UserStore = e.users
	if o.userStore != nil {
		users = o.userStore
	}
	cfg := sso.Config{
		BaseURL:     base,
		StateKey:    bytes.Repeat([]byte{7}, 32),
		Store:       e.store,
		Users:       users,
		Sessions:    sso.SessionFunc(e.startSession),
		Catalog:     func(_ context.Context, _ string) (*mapping.Catalog, error) { return cat, nil },
		Memberships: e.members,
		Logger:      slog.New(slog.NewTextHandler(e.logs, nil)),
		DebugClaims: 8,
		HTTPClient:  op.Client(),
		Secrets:     o.secrets,
		Domains:     e.domains,
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	e.h, err = sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if o.mount != nil {
		mux.Handle("/sso/", o.mount(e.h))
	} else {
		mux.Handle("/sso/", e.h)
	}
	e.srv.Config.Handler = mux
	e.browser = e.newBrowser()
	return e
}

func (e *env) newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (e *env) startSession(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sessionErr != nil {
		return e.sessionErr
	}
	if e.onSession != nil {
		if err := e.onSession(r, res); err != nil {
			return err
		}
	}
	e.sessions = append(e.sessions, res)
	http.SetCookie(w, &http.Cookie{Name: "host_session", Value: res.User.ID, Path: "/"})
	return nil
}

func (e *env) lastSession() *sso.Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.sessions) == 0 {
		return nil
	}
	return e.sessions[len(e.sessions)-1]
}

// get fetches a path of the host (or an absolute URL) with the browser.
func (e *env) get(c *http.Client, target string) (*http.Response, string) {
	e.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = e.srv.URL + target
	}
	resp, err := c.Get(target)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// start begins a login and returns the provider's authorization URL.
func (e *env) start(path string) string {
	e.t.Helper()
	resp, body := e.get(e.browser, path)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("GET %s = %d, want 302: %s", path, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// idp lets the provider sign the user in and returns the callback URL.
func (e *env) idp(authURL string) string {
	e.t.Helper()
	cb, err := e.op.Authorize(e.t.Context(), authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return cb.String()
}

// login runs a whole login from path and returns the final response.
func (e *env) login(path string) (*http.Response, string) {
	e.t.Helper()
	return e.get(e.browser, e.idp(e.start(path)))
}

// wantError checks an error page.
func wantError(t *testing.T, resp *http.Response, body string, code sso.Code) {
	t.Helper()
	if resp.StatusCode < 400 || !strings.Contains(body, "Error code: "+string(code)) {
		t.Fatalf("response %d, want error %s; body:\n%s", resp.StatusCode, code, body)
	}
}

// wantLoggedIn checks the redirect after a successful login.
// It returns the session's result, whose ReturnTo must be the redirect.
func (e *env) wantLoggedIn(resp *http.Response, body string) *sso.Result {
	e.t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("response %d, want 303; body:\n%s\nlogs:\n%s", resp.StatusCode, body, e.logs.String())
	}
	res := e.lastSession()
	if res == nil {
		e.t.Fatal("StartSession was not called")
	}
	if loc := resp.Header.Get("Location"); loc != res.ReturnTo {
		e.t.Fatalf("redirect to %q, session return_to %q", loc, res.ReturnTo)
	}
	return res
}

var _ = errors.New

func readAll(b *strings.Builder, resp *http.Response) (int64, error) {
	return io.Copy(b, io.LimitReader(resp.Body, 1<<20))
}

// startWith begins a login in another browser.
func (e *env) startWith(c *http.Client, path string) string {
	e.t.Helper()
	resp, body := e.get(c, path)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("GET %s = %d, want 302: %s", path, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func httpReq(target string) *http.Request { return httptest.NewRequest(http.MethodGet, target, nil) }
