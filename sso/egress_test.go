package sso_test

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/internal/syncbuf"
	"github.com/ssokit/ssokit/sso"
)

// countingServer is a plain HTTP server on 127.0.0.1 that counts the
// requests it receives.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		http.NotFound(w, nil)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestPublicClientRefusesLoopbackServer dials a real listener on
// 127.0.0.1, by address and by the name localhost: the guarded client
// refuses before connecting, the unguarded one reaches it.
func TestPublicClientRefusesLoopbackServer(t *testing.T) {
	srv, n := countingServer(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, tc := range []struct{ url, host string }{
		{srv.URL + "/metadata", "127.0.0.1"},
		{"http://localhost:" + port + "/metadata", "localhost"}, // resolved, then refused
	} {
		_, err := sso.NewPublicClient().Get(tc.url)
		var b *sso.BlockedAddressError
		if !errors.As(err, &b) {
			t.Fatalf("GET %s: error %v, want a *BlockedAddressError", tc.url, err)
		}
		if b.Host != tc.host || !b.IP.IsLoopback() || b.Reason != "a loopback address" {
			t.Fatalf("GET %s: refusal %+v", tc.url, b)
		}
		for _, want := range []string{"is a loopback address", "identity providers must be reachable on the public internet", "Config.AllowPrivateNetworks"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("message %q lacks %q", err, want)
			}
		}
	}
	if got := n.Load(); got != 0 {
		t.Fatalf("the loopback server received %d requests, want 0", got)
	}
	// The same server answers a client without the guard.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 1 {
		t.Fatalf("the server counted %d requests from an unguarded client, want 1", n.Load())
	}
}

// TestPublicOnlyDialControl checks the Control function on the address
// strings a dialer passes it.
func TestPublicOnlyDialControl(t *testing.T) {
	for addr, ok := range map[string]bool{
		"8.8.8.8:443": true, "[2001:4860:4860::8888]:443": true,
		"127.0.0.1:80": false, "[::1]:443": false, "[::ffff:169.254.169.254]:80": false,
		"[fe80::1%eth0]:443": false, "idp.example.com:443": false, "": false,
	} {
		err := sso.PublicOnlyDialControl("tcp", addr, nil)
		var b *sso.BlockedAddressError
		if ok != (err == nil) || (err != nil && !errors.As(err, &b)) {
			t.Errorf("%q: error %v, want allowed=%v", addr, err, ok)
		}
	}
	err := sso.PublicOnlyDialControl("tcp", "idp.example.com:443", nil)
	if want := "sso: refused to connect to an unknown host: the address is not an IP address and port (tcp idp.example.com:443); identity providers"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("unparseable address: %v", err)
	}
}

// TestLoginWithIdPOnLoopbackFails starts logins whose OIDC discovery
// endpoint or SAML metadata URL is a loopback server: without a client
// of the host's, each login fails, the log says why, and the server sees
// no request; with AllowPrivateNetworks the same logins reach it.
func TestLoginWithIdPOnLoopbackFails(t *testing.T) {
	srv, n := countingServer(t)
	conns := []sso.Connection{
		{ID: "corp", Kind: sso.KindOIDC, Parameters: sso.Parameters{ClientID: "app", ClientSecret: "s", DiscoveryEndpoint: srv.URL}},
		{ID: "okta", Kind: sso.KindSAML, Parameters: sso.Parameters{MetadataURL: srv.URL + "/metadata"}},
	}
	for _, allow := range []bool{false, true} {
		for _, c := range conns {
			n.Store(0)
			logs := &syncbuf.Buffer{}
			store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", Connections: []sso.Connection{c}})
			if err != nil {
				t.Fatal(err)
			}
			h, err := sso.New(sso.Config{BaseURL: "https://app.example/sso", StateKey: make([]byte, 32), Store: store,
				Users: sso.NewMemoryUsers(), Logger: slog.New(slog.NewTextHandler(logs, nil)), AllowPrivateNetworks: allow,
				Sessions: sso.SessionFunc(func(http.ResponseWriter, *http.Request, *sso.Result) error { return nil })})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example/sso/acme/login", nil))
			code := "configuration_error" // a refused address is the connection's fault
			if allow && c.Kind == sso.KindOIDC {
				code = "temporarily_unavailable" // the server answered 404
			}
			if rec.Code < 500 || !strings.Contains(rec.Body.String(), "Error code: "+code) {
				t.Fatalf("allow=%v %s: login start answered %d: %s", allow, c.Kind, rec.Code, rec.Body)
			}
			refused := strings.Contains(logs.String(), "127.0.0.1 is a loopback address; identity providers must be reachable on the public internet, or set Config.AllowPrivateNetworks")
			if got := n.Load(); allow != (got > 0) || allow == refused {
				t.Fatalf("allow=%v %s: the server counted %d requests; logs:\n%s", allow, c.Kind, got, logs)
			}
		}
	}
}

// TestNonPublicReason classifies IPv4 and IPv6 edge cases.
func TestNonPublicReason(t *testing.T) {
	for addr, want := range map[string]string{
		"8.8.8.8":                "",
		"2001:4860:4860::8888":   "",
		"1.1.1.1":                "",
		"::ffff:8.8.8.8":         "",
		"64:ff9b::808:808":       "", // NAT64 of 8.8.8.8
		"2002:808:808::1":        "", // 6to4 of 8.8.8.8
		"127.0.0.1":              "a loopback address",
		"127.255.0.9":            "a loopback address",
		"::1":                    "a loopback address",
		"::ffff:127.0.0.1":       "a loopback address (IPv4-mapped 127.0.0.1)",
		"::ffff:10.0.0.1":        "a private address (IPv4-mapped 10.0.0.1)",
		"::127.0.0.1":            "a loopback address (IPv4-compatible 127.0.0.1)",
		"::8.8.8.8":              "a deprecated IPv4-compatible address",
		"64:ff9b::a9fe:a9fe":     "a link-local address (NAT64 169.254.169.254)",
		"2002:c0a8:101::1":       "a private address (6to4 192.168.1.1)",
		"0.0.0.0":                "an unspecified address",
		"0.1.2.3":                "in 0.0.0.0/8 (\"this network\")",
		"::":                     "an unspecified address",
		"10.0.0.1":               "a private address",
		"172.16.0.1":             "a private address",
		"172.31.255.255":         "a private address",
		"172.32.0.1":             "",
		"192.168.1.1":            "a private address",
		"169.254.169.254":        "a link-local address",
		"fe80::1":                "a link-local address",
		"fe80::1%eth0":           "a link-local address",
		"100.64.0.1":             "a carrier-grade NAT (shared) address",
		"100.127.255.255":        "a carrier-grade NAT (shared) address",
		"100.128.0.1":            "",
		"fd00::1":                "a private (unique local) address",
		"fc00::1":                "a private (unique local) address",
		"224.0.0.1":              "a multicast address",
		"ff02::1":                "a multicast address",
		"255.255.255.255":        "the broadcast address",
		"240.0.0.1":              "a reserved address",
		"192.0.2.1":              "a documentation address",
		"198.51.100.7":           "a documentation address",
		"203.0.113.9":            "a documentation address",
		"2001:db8::1":            "a documentation address",
		"3fff::1":                "a documentation address",
		"198.18.0.1":             "a benchmarking address",
		"192.0.0.8":              "an IETF protocol assignment",
		"2001::1":                "an IETF protocol assignment (Teredo, ORCHID, benchmarking)",
		"fec0::1":                "a deprecated site-local address",
		"100::1":                 "a discard-only address",
		"4000::1":                "not a global unicast address",
		"64:ff9b:1::a00:1":       "a local-use NAT64 address",
		"5f00::1":                "a segment routing (SRv6) address",
		"2606:4700:4700::1111":   "",
		"::ffff:100.64.0.1":      "a carrier-grade NAT (shared) address (IPv4-mapped 100.64.0.1)",
		"::ffff:0.0.0.0":         "an unspecified address (IPv4-mapped 0.0.0.0)",
		"::ffff:255.255.255.255": "the broadcast address (IPv4-mapped 255.255.255.255)",
	} {
		if got := sso.NonPublicReason(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
	if sso.NonPublicReason(netip.Addr{}) == "" {
		t.Error("the zero Addr is public")
	}
}
