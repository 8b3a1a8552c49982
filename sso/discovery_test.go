package sso_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

func TestTenantlessDiscoveryRoutesOnlyByVerifiedDomains(t *testing.T) {
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{
			{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}},
			{Slug: "beta", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}},
		},
		verified: map[string][]string{"acme": {"acme.example"}, "beta": {"beta.example"}},
	})
	if _, err := e.domains.Claim(t.Context(), "beta", "pending.example"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query, tenant string
		code                sso.Code
	}{
		{"a verified domain goes to its tenant", "email=Ann@ACME.example&return_to=/x", "acme", ""},
		{"another tenant's verified domain goes to that tenant", "email=bo@beta.example", "beta", ""},
		{"an unknown domain is domain_not_verified", "email=x@unknown.example", "", sso.CodeDomainNotVerified},
		{"a claimed but pending domain is domain_not_verified", "email=x@pending.example", "", sso.CodeDomainNotVerified},
		{"a consumer domain is domain_not_verified", "email=x@gmail.com", "", sso.CodeDomainNotVerified},
		{"no email is domain_not_verified", "", "", sso.CodeDomainNotVerified},
		{"a foreign return_to is refused first", "email=ann@acme.example&return_to=https://evil.example/", "", sso.CodeInvalidReturnTo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.get(e.browser, "/sso/login?"+tc.query)
			if tc.code != "" {
				wantError(t, resp, body, tc.code)
				return
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil || loc.Path != "/sso/"+tc.tenant+"/login" {
				t.Fatalf("%d to %q, want the login of %s", resp.StatusCode, resp.Header.Get("Location"), tc.tenant)
			}
			q, _ := url.ParseQuery(tc.query)
			if loc.Query().Get("email") != q.Get("email") || loc.Query().Get("return_to") != q.Get("return_to") {
				t.Errorf("parameters not carried: %v", loc)
			}
		})
	}
	t.Run("DiscoverTenant answers the same in Go", func(t *testing.T) {
		if tenant, ok, err := e.h.DiscoverTenant(t.Context(), "ann@acme.example"); !ok || err != nil || tenant != "acme" {
			t.Fatalf("%q %v %v", tenant, ok, err)
		}
		if tenant, ok, err := e.h.DiscoverTenant(t.Context(), "ann@pending.example"); ok || err != nil || tenant != "" {
			t.Fatalf("%q %v %v", tenant, ok, err)
		}
	})
}
