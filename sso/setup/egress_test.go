package setup_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// refusal is what the admin reads when a URL leads to a loopback address.
const refusal = "127.0.0.1 is a loopback address; identity providers must be reachable on the public internet, or set Config.AllowPrivateNetworks"

// newDefaultClientEnv is a host whose setup handler has no HTTPClient of
// its own, with private networks allowed or not, and a plain HTTP server
// on 127.0.0.1 standing for an internal service; it counts its requests.
func newDefaultClientEnv(t *testing.T, allow bool) (*env, *httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		http.NotFound(w, nil)
	}))
	t.Cleanup(internal.Close)
	store, err := sso.NewMemoryStore(sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{now: t0, store: store}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso",
		Store: store, LinkKey: linkKey, InsecureCookies: true, AllowPrivateNetworks: allow})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/setup/", e.setup)
	return e, internal, &n
}

// TestSAMLMetadataURLOnLoopbackIsRefused saves a SAML connection whose
// metadata URL is a loopback server and starts its test login: the
// admin is told why, and the server receives nothing, unless the host
// allows private networks.
func TestSAMLMetadataURLOnLoopbackIsRefused(t *testing.T) {
	for _, allow := range []bool{false, true} {
		e, internal, n := newDefaultClientEnv(t, allow)
		c := e.openLink(t, "acme")
		in := map[string]any{"id": "okta", "kind": "saml", "parameters": map[string]any{"metadataUrl": internal.URL + "/metadata"}}
		var res setup.SaveResult
		c.json("POST", "/setup/api/connections", in, 201, &res)
		w := res.Connection.Warnings
		if len(w) != 1 || w[0].Field != "parameters.metadataUrl" || allow == strings.Contains(w[0].Message, refusal) {
			t.Fatalf("allow=%v: warnings %+v", allow, w)
		}
		resp, page := c.do("GET", "/setup/connections/okta/test?csrf="+url.QueryEscape(c.csrf), nil, "")
		if resp.StatusCode != http.StatusBadGateway || allow == strings.Contains(html.UnescapeString(page), refusal) {
			t.Fatalf("allow=%v: test login answered %d:\n%s", allow, resp.StatusCode, page)
		}
		if got := n.Load(); allow != (got > 0) {
			t.Fatalf("allow=%v: the internal server received %d requests", allow, got)
		}
	}
}

// TestOIDCDiscoveryOnLoopbackIsRefused starts the test login of an OIDC
// connection whose discovery endpoint is a loopback server.
func TestOIDCDiscoveryOnLoopbackIsRefused(t *testing.T) {
	for _, allow := range []bool{false, true} {
		e, internal, n := newDefaultClientEnv(t, allow)
		c := e.openLink(t, "acme")
		in := oidcInput("corp", "s")
		in["parameters"].(map[string]any)["discoveryEndpoint"] = internal.URL
		c.json("POST", "/setup/api/connections", in, 201, nil)
		resp, page := c.do("GET", "/setup/connections/corp/test?csrf="+url.QueryEscape(c.csrf), nil, "")
		if resp.StatusCode != http.StatusBadGateway || allow == strings.Contains(html.UnescapeString(page), refusal) {
			t.Fatalf("allow=%v: test login answered %d:\n%s", allow, resp.StatusCode, page)
		}
		if got := n.Load(); allow != (got > 0) {
			t.Fatalf("allow=%v: the internal server received %d requests", allow, got)
		}
	}
}
