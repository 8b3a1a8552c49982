package sso_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const okta = `{"kind": "okta", "parameters": {"clientId": "app", "clientSecret": "s", "discoveryEndpoint": "https://op.example"}}`

func TestConfigListsDomainsOnlyAsManuallyVerified(t *testing.T) {
	tenants, err := sso.ParseConfig([]byte(`{"acme": {"connections": [`+okta+`],
		"domains": [{"name": "Acme.Example.", "verification": "manual", "reason": "contract 12, DNS managed by a third party", "includeSubdomains": true}]}}`), sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	want := []sso.TenantDomain{{Name: "Acme.Example.", Verification: "manual", Reason: "contract 12, DNS managed by a third party", IncludeSubdomains: true}}
	if len(tenants) != 1 || !slices.Equal(tenants[0].Domains, want) {
		t.Fatalf("tenants = %+v", tenants)
	}

	_, err = sso.ParseConfig([]byte(`{
		"acme": {"connections": [`+okta+`], "domains": [
			{"name": "acme.example", "reason": "r"},
			{"name": "acme-labs.example", "verification": "dns", "reason": "r"},
			{"name": "acme.dev", "verification": "manual"},
			{"name": "gmail.com", "verification": "manual", "reason": "r"},
			{"name": "co.uk", "verification": "manual", "reason": "r"},
			{"name": "shared.example", "verification": "manual", "reason": "r"}]},
		"gamma": [{"kind": "okta", "domains": ["gmail.com"], "parameters": {"clientId": "app", "clientSecret": "s", "discoveryEndpoint": "https://op.example"}}],
		"beta": {"connections": [`+okta+`], "domains": [
			{"name": "SHARED.example", "verification": "manual", "reason": "r"}]}}`), sso.Secrets{})
	var ce *sso.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ConfigError", err)
	}
	var paths []string
	for _, p := range ce.Problems {
		paths = append(paths, p.Path)
	}
	for _, w := range []string{
		`$["acme"].domains[0].verification`, // a domain without "verification": "manual"
		`$["acme"].domains[1].verification`, // "dns" cannot be declared, only proven
		`$["acme"].domains[2].reason`,
		`$["acme"].domains[3].name`, // consumer mail domain
		`$["acme"].domains[4].name`, // public suffix
		`$["beta"].domains[0].name`, // another tenant's domain
		`$["gamma"][0].domains[0]`,  // discovery by a domain that can never be verified
	} {
		if !slices.Contains(paths, w) {
			t.Errorf("missing problem at %s; got:\n%v", w, err)
		}
	}
}

func TestConfiguredManualDomainsAreTrustedAndLogged(t *testing.T) {
	acme := sso.Tenant{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)},
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: "manual", Reason: "ticket 4711"}}}
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	for _, tc := range []struct {
		name       string
		defaultSvc bool
	}{
		{"into the default in-memory service", true},
		{"into the host's domains.Service", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := envOptions{tenants: []sso.Tenant{acme}, users: ann, opUsers: []ssotest.OIDCUser{torqueUser()},
				verified: map[string][]string{}}
			if tc.defaultSvc {
				o.cfg = func(c *sso.Config) { c.Domains = nil }
			}
			e := newEnv(t, o)
			logs := e.logs.String()
			if !strings.Contains(logs, "domain verified manually by the sso configuration") ||
				!strings.Contains(logs, "acme.example") || !strings.Contains(logs, "ticket 4711") {
				t.Errorf("start-up log lacks the manual domain:\n%s", logs)
			}
			if res := e.wantLoggedIn(e.login("/sso/acme/login")); res.User.ID != "ann" || !res.Linked {
				t.Fatalf("user %+v", res.User)
			}
			if !tc.defaultSvc {
				if d, err := e.domains.Get(t.Context(), "acme", "acme.example"); err != nil || d.Strategy != domains.StrategyManual || d.Reason != "ticket 4711" {
					t.Fatalf("record %+v %v", d, err)
				}
			}
		})
	}
}

func TestNewRefusesManualDomainsItCannotRecord(t *testing.T) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)},
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: "manual", Reason: "r"}}})
	if err != nil {
		t.Fatal(err)
	}
	taken, err := domains.New(domains.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := taken.VerifyManually(t.Context(), "beta", "acme.example", domains.Override{Operator: "ops", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		trust sso.DomainTrust
		is    error
	}{
		{"a trust source without VerifyManually", failingTrust{}, nil},
		{"a domain another tenant holds verified", taken, domains.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			_, err := sso.New(sso.Config{BaseURL: "https://app.example/sso", StateKey: make([]byte, 32), Store: store,
				Users: sso.NewMemoryUsers(), Domains: tc.trust, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
				Sessions: sso.SessionFunc(func(http.ResponseWriter, *http.Request, *sso.Result) error { return nil })})
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("New: err = %v", err)
			}
		})
	}
}
