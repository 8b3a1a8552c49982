package oidc_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

func multiTenant(c *ssotest.OIDCProviderConfig) { c.MultiTenant = true }

func TestEntraMultiTenant(t *testing.T) {
	const otherTenant = "00000000-0000-0000-0000-0000000000aa"
	tests := []struct {
		name   string
		rpCfg  func(*oidc.Config)
		faults ssotest.OIDCFaults
		check  func(*testing.T, error)
	}{
		{"pinned tenant logs in", func(c *oidc.Config) { c.TenantID = testTenant }, ssotest.OIDCFaults{}, wantOK},
		{"any tenant logs in when explicitly allowed", func(c *oidc.Config) { c.InsecureAnyTenant = true }, ssotest.OIDCFaults{}, wantOK},
		{"another tenant is rejected when pinned", func(c *oidc.Config) { c.TenantID = otherTenant }, ssotest.OIDCFaults{}, wantAs[*oidc.TenantError]},
		{"tid that does not match the issuer is rejected", func(c *oidc.Config) { c.InsecureAnyTenant = true }, ssotest.OIDCFaults{TenantID: otherTenant}, wantAs[*oidc.IssuerError]},
		{"tid that is not a GUID is rejected", func(c *oidc.Config) { c.InsecureAnyTenant = true }, ssotest.OIDCFaults{TenantID: "x/../evil"}, wantAs[*oidc.TenantError]},
		{"issuer of another tenant with a matching tid is rejected when pinned", func(c *oidc.Config) { c.TenantID = testTenant },
			ssotest.OIDCFaults{TenantID: otherTenant, Issuer: "ISSUER/" + otherTenant + "/v2.0"}, wantAs[*oidc.TenantError]},
		{"template without a pinned tenant fails discovery", nil, ssotest.OIDCFaults{}, wantDiscovery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, multiTenant, tt.rpCfg)
			if tt.faults.Issuer != "" {
				tt.faults.Issuer = e.op.URL + tt.faults.Issuer[len("ISSUER"):]
			}
			e.op.SetFaults(tt.faults)
			if err := e.rp.Discover(context.Background()); err != nil {
				tt.check(t, err)
				return
			}
			tok, err := e.fullLogin(t)
			if err == nil && tok.IDToken.Claims["tid"] != testTenant {
				t.Errorf("tid = %v", tok.IDToken.Claims["tid"])
			}
			tt.check(t, err)
		})
	}
}

func wantOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("err = %v, want success", err)
	}
}

func wantDiscovery(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, oidc.ErrDiscovery) {
		t.Fatalf("err = %v, want ErrDiscovery", err)
	}
}

func TestDiscovery(t *testing.T) {
	t.Run("issuer mismatch fails discovery", func(t *testing.T) {
		e := newEnv(t, nil, func(c *oidc.Config) { c.Issuer += "/" })
		wantDiscovery(t, e.rp.Discover(context.Background()))
	})
	t.Run("unreachable provider fails discovery", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		e.op.Close()
		_, err := e.rp.Begin(context.Background(), oidc.LoginRequest{})
		wantDiscovery(t, err)
	})
	t.Run("discovery is fetched once", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		for range 3 {
			if _, err := e.fullLogin(t); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.op.JWKSRequests(); n != 1 {
			t.Errorf("key set fetched %d times, want 1", n)
		}
	})
}

func TestGroupsOverage(t *testing.T) {
	e := newEnv(t, func(c *ssotest.OIDCProviderConfig) {
		u := &c.Users[0]
		u.Claims = map[string]any{
			"_claim_names":   map[string]any{"groups": "src1"},
			"_claim_sources": map[string]any{"src1": map[string]any{"endpoint": "https://graph.windows.net/t/users/u/getMemberObjects"}},
		}
	}, nil)
	tok, err := e.fullLogin(t)
	if err != nil {
		t.Fatal(err)
	}
	if tok.GroupsOverage == nil || tok.GroupsOverage.Endpoint != "https://graph.windows.net/t/users/u/getMemberObjects" {
		t.Errorf("overage = %v", tok.GroupsOverage)
	}
}

func TestGoogleHostedDomain(t *testing.T) {
	tests := []struct {
		name  string
		hd    any
		check func(*testing.T, error)
	}{
		{"user of the hosted domain logs in", "acme.example", wantOK},
		{"user of another domain is rejected", "other.example", wantAs[*oidc.ClaimsError]},
		{"consumer account without hd is rejected", nil, wantAs[*oidc.ClaimsError]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *ssotest.OIDCProviderConfig) {
				if tt.hd != nil {
					c.Users[0].Claims["hd"] = tt.hd
				}
			}, func(c *oidc.Config) { c.HostedDomain = "acme.example" })
			l, err := e.rp.Begin(context.Background(), oidc.LoginRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if u, _ := url.Parse(l.URL); u.Query().Get("hd") != "acme.example" {
				t.Errorf("hd parameter missing from %s", l.URL)
			}
			_, err = e.fullLogin(t)
			tt.check(t, err)
		})
	}
}

// A discovery document that announces a tenant template, then another
// issuer when fetched again, is refused.
func TestDiscoveryIssuerChangesBetweenFetches(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss := srv.URL + "/{tenantid}/v2.0"
		if hits.Add(1) > 1 {
			iss = "https://evil.example/{tenantid}/v2.0"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": iss, "authorization_endpoint": srv.URL + "/a",
			"token_endpoint": srv.URL + "/t", "jwks_uri": srv.URL + "/k"})
	}))
	defer srv.Close()
	rp, err := oidc.New(oidc.Config{Issuer: srv.URL + "/common/v2.0", ClientID: "c", ClientSecret: "s",
		RedirectURL: testRedirect, StateKey: make([]byte, 32), HTTPClient: srv.Client(), TenantID: testTenant})
	if err != nil {
		t.Fatal(err)
	}
	wantDiscovery(t, rp.Discover(context.Background()))
	if hits.Load() != 2 {
		t.Errorf("discovery fetched %d times", hits.Load())
	}
}

// A discovery document beyond MaxResponseBytes is cut and refused rather
// than read into memory.
func TestDiscoveryResponseIsBounded(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.Repeat(" ", oidc.MaxResponseBytes)))
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/a",
			"token_endpoint": srv.URL + "/t", "jwks_uri": srv.URL + "/k"})
	}))
	defer srv.Close()
	rp, err := oidc.New(oidc.Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s",
		RedirectURL: testRedirect, StateKey: make([]byte, 32), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	wantDiscovery(t, rp.Discover(context.Background()))
}
