package sso_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

// Cross-tenant takeover attempts: tenant beta configures its own SAML IdP,
// OpenID provider and partner JWT script, and each asserts a user of
// tenant acme. acme.example is verified for acme only.

const safeMessage = "domain is not verified for your organisation"

type takeoverEnv struct {
	*env
	saml    *ssotest.SAMLIdP
	partner *ssotest.JWTPartner
}

func newTakeoverEnv(t *testing.T, verified map[string][]string) *takeoverEnv {
	idp := newSAMLIdP(t) // asserts bob@acme.example
	partner := ssotest.NewJWTPartner([]byte(partnerKey), "ann@acme.example", "")
	t.Cleanup(partner.Close)
	okta := oidcConn("okta", sso.KindOkta)
	okta.Provisioning = sso.JIT
	jwt := jwtConn()
	jwt.Mode, jwt.Provisioning = sso.ModeOptional, sso.JIT
	jwt.Parameters.RemoteLoginURL = partner.LoginURL()
	beta := []sso.Connection{samlConn(idp), okta, jwt}
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{
			{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}},
			{Slug: "beta", Connections: beta},
		},
		users: []sso.User{
			{ID: "ann", Tenant: "acme", Email: "ann@acme.example", Privileged: true},
			{ID: "bob", Tenant: "acme", Email: "bob@acme.example"},
		},
		opUsers:  []ssotest.OIDCUser{torqueUser()}, // ann@acme.example, email_verified true
		secrets:  sso.Secrets{LookupEnv: func(n string) (string, bool) { return partnerKey, n == "ITGLUE_SSO_KEY" }},
		verified: verified,
	})
	idp.SPEntityID = e.srv.URL + "/sso/beta/saml/metadata"
	idp.ACSURL = e.srv.URL + "/sso/beta/saml/acs"
	partner.Endpoint = e.srv.URL + "/sso/beta/jwt"
	return &takeoverEnv{env: e, saml: idp, partner: partner}
}

// loginThrough runs a whole login of tenant through one of its connections.
func (e *takeoverEnv) loginThrough(tenant, conn string) (*http.Response, string) {
	e.t.Helper()
	start := e.start("/sso/" + tenant + "/login?connection=" + conn)
	switch conn {
	case "entra-saml":
		form := e.samlIdP(e.saml, start)
		resp, err := e.browser.PostForm(e.srv.URL+"/sso/"+tenant+"/saml/acs", form)
		if err != nil {
			e.t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = readAll(&b, resp)
		return resp, b.String()
	case "partner":
		resp, body := e.get(e.browser, start)
		if resp.StatusCode != http.StatusFound {
			e.t.Fatalf("partner %d %s", resp.StatusCode, body)
		}
		return e.get(e.browser, resp.Header.Get("Location"))
	}
	return e.get(e.browser, e.idp(start))
}

func TestAnotherTenantsIdPCannotTakeOverAUser(t *testing.T) {
	for _, tc := range []struct {
		name, conn, email string
	}{
		{"beta's SAML IdP asserting acme's bob is refused", "entra-saml", "bob@acme.example"},
		{"beta's OpenID provider asserting acme's ann (email_verified true) is refused", "okta", "ann@acme.example"},
		{"beta's partner JWT asserting acme's ann is refused", "partner", "ann@acme.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTakeoverEnv(t, map[string][]string{"acme": {"acme.example"}, "beta": {"beta.example"}})
			resp, body := e.loginThrough("beta", tc.conn)
			wantError(t, resp, body, sso.CodeDomainNotVerified)
			if !strings.Contains(body, safeMessage) {
				t.Errorf("the page lacks the user-safe message:\n%s", body)
			}
			if e.lastSession() != nil {
				t.Fatalf("a session was started: %+v", e.lastSession().User)
			}
			// Nothing was created in beta under acme's email, and acme's
			// users were not touched.
			if u, _ := e.users.FindByEmail(t.Context(), "beta", tc.email); u != nil {
				t.Errorf("beta user created: %+v", u)
			}
			for _, id := range []string{"ann", "bob"} {
				if u, _ := e.users.Get(id); u.Tenant != "acme" || u.EmailUnverified {
					t.Errorf("acme's %s changed: %+v", id, u)
				}
			}
			if !strings.Contains(e.logs.String(), "not trusted for tenant") {
				t.Errorf("the refusal's cause is not logged:\n%s", e.logs.String())
			}
		})
	}
	t.Run("acme's own provider still links acme's ann", func(t *testing.T) {
		e := newTakeoverEnv(t, map[string][]string{"acme": {"acme.example"}})
		res := e.wantLoggedIn(e.loginThrough("acme", "okta"))
		if res.User.ID != "ann" || !res.Linked || !res.EmailTrusted {
			t.Fatalf("result %+v linked %v trusted %v", res.User, res.Linked, res.EmailTrusted)
		}
		if !strings.Contains(e.logs.String(), "email_trusted=true") {
			t.Errorf("the audit event lacks email_trusted:\n%s", e.logs.String())
		}
	})
	t.Run("beta cannot verify acme's domain to get around it", func(t *testing.T) {
		e := newTakeoverEnv(t, map[string][]string{"acme": {"acme.example"}})
		if _, err := e.domains.Claim(t.Context(), "beta", "acme.example"); err == nil {
			t.Fatal("beta claimed a domain acme holds verified")
		}
		resp, body := e.loginThrough("beta", "okta")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	})
}

func TestUnverifiedDomainsRefuseFirstLogins(t *testing.T) {
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	for _, tc := range []struct {
		name     string
		verified map[string][]string
		users    []sso.User
		jit      bool
		email    string
	}{
		{"nothing verified (the default): an existing user is not linked by email", map[string][]string{}, ann, false, ""},
		{"nothing verified: no user is created", map[string][]string{}, nil, true, ""},
		{"a subdomain is not covered unless the domain includes subdomains", nil, nil, true, "ann@eng.acme.example"},
		{"a consumer mail domain is never verified", nil, nil, true, "someone@gmail.com"},
		{"an unrelated domain is refused", nil, nil, true, "ann@acme.example.evil.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := oidcConn("okta", sso.KindOkta)
			if tc.jit {
				c.Provisioning = sso.JIT
			}
			u := torqueUser()
			if tc.email != "" {
				u.Email = tc.email
			}
			e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
				users: tc.users, opUsers: []ssotest.OIDCUser{u}, verified: tc.verified})
			resp, body := e.login("/sso/acme/login")
			wantError(t, resp, body, sso.CodeDomainNotVerified)
			if e.lastSession() != nil {
				t.Fatal("a session was started")
			}
		})
	}
	t.Run("Config.Domains unset: nothing is verified, an existing user is not linked", func(t *testing.T) {
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
			users: ann, opUsers: []ssotest.OIDCUser{torqueUser()},
			cfg: func(c *sso.Config) { c.Domains = nil }})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	})
	t.Run("a trust source that fails refuses the login (temporarily_unavailable)", func(t *testing.T) {
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
			users: ann, opUsers: []ssotest.OIDCUser{torqueUser()},
			cfg: func(c *sso.Config) { c.Domains = failingTrust{} }})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeUnavailable)

		okta, g := oidcConn("okta", sso.KindOkta), oidcConn("google", sso.KindGoogle)
		okta.Domains = []string{"acme.example"}
		u := torqueUser()
		u.Claims["hd"] = "acme.example"
		e = newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{okta, g}}},
			users: ann, opUsers: []ssotest.OIDCUser{u},
			cfg: func(c *sso.Config) { c.Domains = failingTrust{} }})
		if resp, body := e.get(e.browser, "/sso/acme/login?email=ann@acme.example"); resp.StatusCode != http.StatusOK {
			t.Fatalf("discovery routed (%d) on a failed trust lookup: %s", resp.StatusCode, body)
		}
		resp, body = e.login("/sso/acme/login?connection=google")
		wantError(t, resp, body, sso.CodeUnavailable)
	})
}

// failingTrust is a domain trust source whose database is down.
type failingTrust struct{}

func (failingTrust) VerifiedFor(context.Context, string, string) (bool, error) {
	return true, errors.New("domain database unavailable")
}

func (failingTrust) TenantFor(context.Context, string) (string, bool, error) {
	return "", false, errors.New("domain database unavailable")
}

// SAML and partner JWT logins create or link accounts only once their
// tenant's domain is verified (here beta's IdPs assert acme.example users,
// and an operator then decides that beta owns acme.example).
func TestSAMLAndJWTLoginsProceedOnceTheirTenantVerifiedTheDomain(t *testing.T) {
	e := newTakeoverEnv(t, map[string][]string{})
	for _, conn := range []string{"entra-saml", "partner"} {
		resp, body := e.loginThrough("beta", conn)
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	}
	if _, err := e.domains.VerifyManually(t.Context(), "beta", "acme.example",
		domains.Override{Operator: "ops@saas.example", Reason: "acme.example belongs to beta (test)"}); err != nil {
		t.Fatal(err)
	}
	// Now beta owns acme.example: its IdPs create beta's users; acme's
	// accounts stay untouched, since no store lookup crosses tenants.
	for _, conn := range []string{"entra-saml", "partner"} {
		res := e.wantLoggedIn(e.loginThrough("beta", conn))
		if res.User.Tenant != "beta" || !res.EmailTrusted || res.User.ID == "ann" || res.User.ID == "bob" {
			t.Fatalf("%s: %+v trusted %v", conn, res.User, res.EmailTrusted)
		}
	}
}
