package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

func TestEmailChangeAtTheIdPNeedsAVerifiedDomain(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.Provisioning = sso.JITAndUpdate
	e := acmeEnv(t, c, []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example", Name: "Ann Example"}})
	e.wantLoggedIn(e.login("/sso/acme/login")) // links ann by (issuer, subject)

	u := torqueUser()
	u.Email, u.Name = "ann@beta.example", "Ann Renamed"
	e.op.SetUser(u)
	res := e.wantLoggedIn(e.login("/sso/acme/login"))
	got, _ := e.users.Get("ann")
	if res.User.ID != "ann" || res.EmailTrusted || got.Email != "ann@acme.example" || res.User.Email != "ann@acme.example" {
		t.Fatalf("an unverified new email replaced the account's: result %+v trusted %v stored %+v", res.User, res.EmailTrusted, got)
	}
	if got.Name != "Ann Renamed" {
		t.Errorf("the rest of the profile is still updated: %+v", got)
	}

	u.Email = "ann@acme-labs.example" // verified for acme
	e.op.SetUser(u)
	res = e.wantLoggedIn(e.login("/sso/acme/login"))
	if got, _ := e.users.Get("ann"); !res.EmailTrusted || got.Email != "ann@acme-labs.example" {
		t.Fatalf("a verified new email was not applied: trusted %v stored %+v", res.EmailTrusted, got)
	}
}

func TestAllowUnverifiedDomainsMatchesBySubjectOnly(t *testing.T) {
	conn := func(p sso.Provisioning) sso.Connection {
		c := oidcConn("okta", sso.KindOkta)
		c.Provisioning, c.AllowUnverifiedDomains = p, true
		return c
	}
	noDomains := map[string][]string{}
	t.Run("a new user is created with the email marked unverified, then found by subject", func(t *testing.T) {
		u := torqueUser()
		u.Email = "contractor@freelance.example"
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{conn(sso.JIT)}}},
			opUsers: []ssotest.OIDCUser{u}, verified: noDomains})
		res := e.wantLoggedIn(e.login("/sso/acme/login"))
		if !res.Created || res.EmailTrusted || !res.User.EmailUnverified || res.User.Email != "contractor@freelance.example" {
			t.Fatalf("first login: %+v created %v trusted %v", res.User, res.Created, res.EmailTrusted)
		}
		again := e.wantLoggedIn(e.login("/sso/acme/login"))
		if again.Created || again.Linked || again.User.ID != res.User.ID {
			t.Fatalf("second login: %+v created %v linked %v", again.User, again.Created, again.Linked)
		}
	})
	t.Run("an existing account with the same email is never linked", func(t *testing.T) {
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{conn(sso.JIT)}}},
			users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example", Privileged: true}},
			opUsers: []ssotest.OIDCUser{torqueUser()}, verified: noDomains})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
		if u, _ := e.users.FindBySubject(t.Context(), "acme", e.op.Issuer(), "sub-ann"); u != nil {
			t.Fatalf("linked to %+v", u)
		}
	})
	t.Run("existing-only cannot create, so the login is refused", func(t *testing.T) {
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{conn(sso.ExistingOnly)}}},
			opUsers: []ssotest.OIDCUser{torqueUser()}, verified: noDomains})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	})
	t.Run("email_verified false never links an existing account either", func(t *testing.T) {
		u := torqueUser()
		u.Claims["email_verified"] = false
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{conn(sso.JIT)}}},
			users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}},
			opUsers: []ssotest.OIDCUser{u}})
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeNotAllowed)
		if u, _ := e.users.FindBySubject(t.Context(), "acme", e.op.Issuer(), "sub-ann"); u != nil {
			t.Fatalf("linked to %+v", u)
		}
	})
}

func TestHomeRealmDiscoveryRoutesOnlyByVerifiedDomains(t *testing.T) {
	a := oidcConn("azure", sso.KindAzure)
	a.Domains = []string{"acme.example"}
	g := oidcConn("google", sso.KindGoogle)
	g.Domains = []string{"acme-labs.example", "beta.example"}
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{a, g}}},
		verified: map[string][]string{"acme": {"acme.example"}, "beta": {"beta.example"}}})
	routed := func(email string) string {
		t.Helper()
		resp, body := e.get(e.browser, "/sso/acme/login?email="+url.QueryEscape(email))
		if resp.StatusCode == http.StatusOK && strings.Contains(body, "connection=google") {
			return "" // the chooser
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		cb := loc.Query().Get("redirect_uri")
		return cb[strings.LastIndex(cb, "/")+1:]
	}
	for _, tc := range []struct{ name, email, want string }{
		{"a verified domain routes", "ann@acme.example", "azure"},
		{"a listed but unverified domain shows the chooser", "ann@acme-labs.example", ""},
		{"a domain verified by another tenant shows the chooser", "bo@beta.example", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := routed(tc.email); got != tc.want {
				t.Fatalf("routed to %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("once acme verifies acme-labs.example it routes", func(t *testing.T) {
		if _, err := e.domains.VerifyManually(t.Context(), "acme", "acme-labs.example", domains.Override{Operator: "ops", Reason: "ticket 1"}); err != nil {
			t.Fatal(err)
		}
		if got := routed("ann@ACME-labs.example"); got != "google" {
			t.Fatalf("routed to %q", got)
		}
	})
}

// The whole path of a tenant that proves its domain by DNS: first logins
// are refused while the domain is unclaimed, pending or wrongly published,
// and route and link once the TXT record holds the token.
func TestTenantVerifiesItsDomainByDNSThenLogsIn(t *testing.T) {
	ns := newTXTServer(t)
	svc, err := domains.New(domains.Config{Resolver: ns.resolver()})
	if err != nil {
		t.Fatal(err)
	}
	okta := oidcConn("okta", sso.KindOkta)
	okta.Domains = []string{"acme.example"}
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{okta, oidcConn("google", sso.KindGoogle)}}},
		users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}},
		opUsers: []ssotest.OIDCUser{torqueUser()},
		cfg:     func(c *sso.Config) { c.Domains = svc },
	})
	refused := func(step string) {
		t.Helper()
		if resp, body := e.get(e.browser, "/sso/acme/login?email=ann@acme.example"); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: discovery routed (%d) by an unverified domain: %s", step, resp.StatusCode, body)
		}
		resp, body := e.login("/sso/acme/login?connection=okta")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	}
	refused("unclaimed")
	d, err := svc.Claim(t.Context(), "acme", "acme.example")
	if err != nil {
		t.Fatal(err)
	}
	refused("pending")
	ns.set(svc.RecordName(d.Name), "not-the-token")
	if _, err := svc.Verify(t.Context(), "acme", "acme.example"); !errors.Is(err, domains.ErrNotVerified) {
		t.Fatalf("Verify with a wrong token: %v", err)
	}
	refused("wrong token")
	ns.set(svc.RecordName(d.Name), d.Token)
	if d, err = svc.Verify(t.Context(), "acme", "acme.example"); err != nil || d.State != domains.Verified {
		t.Fatalf("Verify: %+v %v", d, err)
	}
	res := e.wantLoggedIn(e.login("/sso/acme/login?email=ann@acme.example"))
	if res.User.ID != "ann" || !res.Linked || res.Connection != "okta" {
		t.Fatalf("after verification: %+v linked %v via %q", res.User, res.Linked, res.Connection)
	}
}
