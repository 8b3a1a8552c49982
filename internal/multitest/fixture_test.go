package multitest_test

import (
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/multitest"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const (
	baseURL    = "https://lb.test/sso" // the load balancer's URL, shared by every instance
	partnerKey = "0123456789abcdef0123456789abcdef-itglue"
	prefix     = "multi:"
)

var (
	stateKey = bytes.Repeat([]byte{7}, 32)
	sealKey  = bytes.Repeat([]byte{9}, 32)
)

// fixture is one shared redis-server, the in-process identity providers
// and the flags every instance gets.
type fixture struct {
	t     testing.TB
	redis *redistest.Server
	op    *ssotest.OIDCProvider
	saml  *ssotest.SAMLIdP
	args  []string
	opts  multitest.Options // the same settings, for instances built in process
}

// newFixture starts redis-server and the providers; users are extra
// OpenID users (the first one is always "ann").
func newFixture(t testing.TB, users []ssotest.OIDCUser) *fixture {
	t.Helper()
	f := &fixture{t: t, redis: startRedis(t)}
	ops := []any{multitest.OpsGroupIdPID}
	all := append([]ssotest.OIDCUser{{Subject: "sub-ann", Email: "ann@acme.example", Name: "Ann",
		Claims: map[string]any{"groups": ops, "email_verified": true}}}, users...)
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients:             []ssotest.OIDCClient{{ID: "app", Secret: "app-secret", RedirectURIs: []string{baseURL + "/acme/oidc/callback/okta"}}},
		Users:               all,
		RotateRefreshTokens: true, AlwaysIssueRefreshToken: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	t.Cleanup(op.Close)
	f.op = op
	f.saml = ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "bob@acme.example", Attributes: []ssotest.SAMLAttribute{
		{Name: "email", Values: []string{"bob@acme.example"}},
		{Name: "name", Values: []string{"Bob"}},
		{Name: "groups", Values: []string{multitest.OpsGroupIdPID}},
	}})
	t.Cleanup(f.saml.Close)
	f.saml.SPEntityID = baseURL + "/acme/saml/metadata"
	f.saml.ACSURL = baseURL + "/acme/saml/acs"

	dir := t.TempDir()
	verified := func(name string) []sso.TenantDomain {
		return []sso.TenantDomain{{Name: name, Verification: sso.VerificationManual, Reason: "test tenant"}}
	}
	cfg := map[string]sso.Tenant{
		"acme": {Domains: verified("acme.example"), Connections: []sso.Connection{
			{ID: "okta", Kind: sso.KindOIDC, Provisioning: sso.JIT, GroupSync: "strict",
				Parameters: sso.Parameters{ClientID: "app", ClientSecret: "app-secret", DiscoveryEndpoint: op.Issuer(), OfflineAccess: true}},
			{ID: "entra-saml", Kind: sso.KindSAML, Provisioning: sso.JIT,
				Parameters: sso.Parameters{MetadataXML: string(f.saml.Metadata())}},
		}},
		"itglue": {Domains: verified("itglue.example"), Connections: []sso.Connection{{ID: "partner", Kind: sso.KindJWT, Provisioning: sso.JIT,
			Parameters: sso.Parameters{SharedSecret: "env:ITGLUE_SSO_KEY", RemoteLoginURL: "https://partner.example/sso"}}}},
	}
	writeJSON(t, filepath.Join(dir, "tenants.json"), cfg)
	writeFile(t, filepath.Join(dir, "idp.pem"), serverCertPEM(t, op))
	f.args = []string{"-redis", f.redis.Addr(), "-prefix", prefix, "-base-url", baseURL,
		"-config", filepath.Join(dir, "tenants.json"), "-ca", filepath.Join(dir, "idp.pem"),
		"-state-key", hex.EncodeToString(stateKey), "-seal-key", hex.EncodeToString(sealKey)}
	var err2 error
	if f.opts, err2 = multitest.ParseFlags(f.args); err2 != nil {
		t.Fatal(err2)
	}
	return f
}

// start starts an instance with the fixture's flags plus extra ones.
func (f *fixture) start(name string, extra ...string) *proc {
	return startProc(f.t.(*testing.T), name, []string{"ITGLUE_SSO_KEY=" + partnerKey}, append(append([]string{}, f.args...), extra...)...)
}

// serverCertPEM reads the provider's self-signed certificate off a TLS
// handshake, for the instances to trust.
func serverCertPEM(t testing.TB, op *ssotest.OIDCProvider) []byte {
	t.Helper()
	u, _ := url.Parse(op.URL)
	conf := op.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	c, err := tls.Dial("tcp", u.Host, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.ConnectionState().PeerCertificates[0].Raw})
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b)
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// browser is a user agent behind the test's load balancer: requests for
// lb.test go to the instance chosen with via, with one cookie jar.
type browser struct {
	t      *testing.T
	target atomic.Pointer[proc]
	c      *http.Client
}

func newBrowser(t *testing.T) *browser {
	b := &browser{t: t}
	jar, _ := cookiejar.New(nil)
	tr := &lbTransport{b: b, next: &http.Transport{DisableKeepAlives: true}}
	b.c = &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// lbTransport is the load balancer terminating TLS: a request for
// https://lb.test/... goes as plain HTTP to the chosen instance, with Host
// lb.test. The cookie jar sees the https URL, so Secure cookies flow as
// they would through a real load balancer.
type lbTransport struct {
	b    *browser
	next http.RoundTripper
}

func (l *lbTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "lb.test" {
		return nil, fmt.Errorf("browser: unexpected host %q", r.URL.Host)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host, r2.Host = "http", l.b.target.Load().addr, "lb.test"
	return l.next.RoundTrip(r2)
}

// via routes the next requests to p.
func (b *browser) via(p *proc) *browser { b.target.Store(p); return b }

func (b *browser) get(target string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(target)
	if err != nil {
		b.t.Fatalf("GET %s via %s: %v", target, b.target.Load().name, err)
	}
	return resp, readBody(b.t, resp)
}

func (b *browser) postForm(target string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(target, form)
	if err != nil {
		b.t.Fatalf("POST %s via %s: %v", target, b.target.Load().name, err)
	}
	return resp, readBody(b.t, resp)
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// startLogin begins a login and returns the Location it redirects to.
func (b *browser) startLogin(path string) string {
	b.t.Helper()
	resp, body := b.get(baseURL + path)
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("GET %s via %s = %d, want 302: %s", path, b.target.Load().name, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func wantLoggedIn(t *testing.T, who string, resp *http.Response, body string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: response %d, want 303 after a login; body:\n%s", who, resp.StatusCode, body)
	}
}

func wantError(t *testing.T, who string, resp *http.Response, body string, code sso.Code) {
	t.Helper()
	if resp.StatusCode < 400 || !strings.Contains(body, "Error code: "+string(code)) {
		t.Fatalf("%s: response %d, want error %s; body:\n%s", who, resp.StatusCode, code, body)
	}
}

var formField = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// samlForm follows the AuthnRequest redirect at the IdP and returns the
// form it would auto-submit to the ACS.
func (f *fixture) samlForm(authURL string) url.Values {
	f.t.Helper()
	resp, err := f.saml.Client().Get(authURL)
	if err != nil {
		f.t.Fatal(err)
	}
	body := readBody(f.t, resp)
	form := url.Values{}
	for _, m := range formField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" {
		f.t.Fatalf("IdP answered %d without a SAMLResponse form:\n%s", resp.StatusCode, body)
	}
	return form
}

// oidcCallback lets the provider sign in the user with the given subject
// and returns the callback URL the browser would be sent to.
func (f *fixture) oidcCallback(authURL, subject string) string {
	f.t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		f.t.Fatal(err)
	}
	q := u.Query()
	q.Set("login_hint", subject)
	u.RawQuery = q.Encode()
	cb, err := f.op.Authorize(f.t.Context(), u.String())
	if err != nil {
		f.t.Fatal(err)
	}
	return cb.String()
}

func countLines(ps []*proc, prefix string) int {
	n := 0
	for _, p := range ps {
		n += len(p.find(prefix))
	}
	return n
}

func sprintUsers(n int) string { return fmt.Sprintf("u%04d", n) }
