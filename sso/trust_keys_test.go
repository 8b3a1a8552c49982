package sso_test

import (
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

// A linked identity is found by (issuer, subject): another connection of
// the same tenant that asserts the same subject is a different identity
// and never logs in as the linked user.
func TestSameSubjectFromAnotherIssuerIsAnotherIdentity(t *testing.T) {
	partner := ssotest.NewJWTPartner([]byte(partnerKey), "eve@acme.example", "")
	partner.ExtraClaims = map[string]any{"sub": "sub-ann"} // the OpenID provider's subject of ann
	t.Cleanup(partner.Close)
	jwt := jwtConn()
	jwt.Mode, jwt.Provisioning = sso.ModeOptional, sso.JIT
	jwt.Parameters.RemoteLoginURL = partner.LoginURL()
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta), jwt}}},
		users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example", Privileged: true}},
		opUsers: []ssotest.OIDCUser{torqueUser()}, // subject sub-ann
		secrets: sso.Secrets{LookupEnv: func(n string) (string, bool) { return partnerKey, n == "ITGLUE_SSO_KEY" }},
	})
	partner.Endpoint = e.srv.URL + "/sso/acme/jwt"
	te := &takeoverEnv{env: e, partner: partner}

	ann := e.wantLoggedIn(te.loginThrough("acme", "okta"))
	if ann.User.ID != "ann" || !ann.Linked {
		t.Fatalf("okta login: %+v linked %v", ann.User, ann.Linked)
	}
	eve := e.wantLoggedIn(te.loginThrough("acme", "partner"))
	if eve.User.ID == "ann" || eve.User.Email != "eve@acme.example" || !eve.Created {
		t.Fatalf("the partner's sub-ann logged in as %+v (created %v); want a new user eve", eve.User, eve.Created)
	}
	if again := e.wantLoggedIn(te.loginThrough("acme", "okta")); again.User.ID != "ann" || again.Linked {
		t.Fatalf("okta login after the partner's: %+v linked %v", again.User, again.Linked)
	}
}

// AllowUnverifiedDomains lets an unverified email through, but not a
// failed trust lookup: the login is refused as temporarily unavailable
// and no account is created.
func TestAllowUnverifiedDomainsStillFailsClosedOnTrustErrors(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.Provisioning, c.AllowUnverifiedDomains = sso.JIT, true
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
		opUsers: []ssotest.OIDCUser{torqueUser()},
		cfg:     func(c *sso.Config) { c.Domains = failingTrust{} }})
	resp, body := e.login("/sso/acme/login")
	wantError(t, resp, body, sso.CodeUnavailable)
	if e.lastSession() != nil {
		t.Fatal("a session was started")
	}
	if u, _ := e.users.FindByEmail(t.Context(), "acme", "ann@acme.example"); u != nil {
		t.Fatalf("user created: %+v", u)
	}
}

// A configured domain with includeSubdomains covers the names under it,
// in the trust source and for logins.
func TestConfiguredDomainIncludesSubdomainsWhenAsked(t *testing.T) {
	acme := sso.Tenant{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)},
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: "manual", Reason: "ticket 4712", IncludeSubdomains: true}}}
	u := torqueUser()
	u.Email = "ann@eng.acme.example"
	e := newEnv(t, envOptions{tenants: []sso.Tenant{acme}, opUsers: []ssotest.OIDCUser{u}, verified: map[string][]string{},
		users: []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@eng.acme.example"}}})
	if d, err := e.domains.Get(t.Context(), "acme", "acme.example"); err != nil || !d.IncludeSubdomains {
		t.Fatalf("record %+v %v; want subdomains included", d, err)
	}
	if !strings.Contains(e.logs.String(), "include_subdomains=true") {
		t.Errorf("start-up log lacks include_subdomains=true:\n%s", e.logs.String())
	}
	if res := e.wantLoggedIn(e.login("/sso/acme/login")); res.User.ID != "ann" || !res.Linked || !res.EmailTrusted {
		t.Fatalf("user %+v linked %v trusted %v", res.User, res.Linked, res.EmailTrusted)
	}
}
