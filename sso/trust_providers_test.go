package sso_test

import (
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const (
	tidAcme = "11111111-2222-3333-4444-555555555555"
	tidEvil = "99999999-8888-7777-6666-555555555555"
)

func TestGoogleConnectionsRequireAVerifiedHostedDomain(t *testing.T) {
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	for _, tc := range []struct {
		name string
		hd   any // nil: no hd claim
		code sso.Code
	}{
		{"a token without hd (a personal Gmail account) is refused", nil, sso.CodeDomainNotVerified},
		{"a token of another Workspace domain is refused", "beta.example", sso.CodeDomainNotVerified},
		{"a token of a domain acme claimed but did not verify is refused", "pending.example", sso.CodeDomainNotVerified},
		{"a token whose hd is acme's verified domain logs in", "acme.example", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := torqueUser()
			if tc.hd != nil {
				u.Claims["hd"] = tc.hd
			}
			e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("google", sso.KindGoogle)}}},
				users: ann, opUsers: []ssotest.OIDCUser{u}})
			if _, err := e.domains.Claim(t.Context(), "acme", "pending.example"); err != nil {
				t.Fatal(err)
			}
			resp, body := e.login("/sso/acme/login")
			if tc.code == "" {
				if res := e.wantLoggedIn(resp, body); res.User.ID != "ann" {
					t.Fatalf("user %+v", res.User)
				}
				return
			}
			wantError(t, resp, body, tc.code)
			if tc.hd == nil && !strings.Contains(e.logs.String(), "no hd claim") {
				t.Errorf("the missing hd is not named in the log:\n%s", e.logs.String())
			}
		})
	}
	t.Run("hd is checked on every login, not only the first", func(t *testing.T) {
		u := torqueUser()
		u.Claims["hd"] = "acme.example"
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("google", sso.KindGoogle)}}},
			users: ann, opUsers: []ssotest.OIDCUser{u}})
		e.wantLoggedIn(e.login("/sso/acme/login"))
		delete(u.Claims, "hd")
		e.op.SetUser(u)
		resp, body := e.login("/sso/acme/login")
		wantError(t, resp, body, sso.CodeDomainNotVerified)
	})
}

func TestEntraConnectionsPinTheTenantAndHonourXMSEDOV(t *testing.T) {
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	entraUser := func(tid string, claims map[string]any) ssotest.OIDCUser {
		u := torqueUser()
		u.TenantID = tid
		for k, v := range claims {
			u.Claims[k] = v
		}
		return u
	}
	for _, tc := range []struct {
		name        string
		multiTenant bool
		pinned      string
		user        ssotest.OIDCUser
		code        sso.Code
	}{
		{"a token from another tid (multi-tenant app) is refused", true, tidAcme, entraUser(tidEvil, nil), sso.CodeIdentity},
		{"a token from another tid (single-tenant issuer) is refused", false, tidAcme, entraUser(tidEvil, nil), sso.CodeIdentity},
		{"a token without tid is refused", false, "", entraUser("", nil), sso.CodeIdentity},
		{"xms_edov false: the email is not trusted for linking", true, tidAcme, entraUser(tidAcme, map[string]any{"xms_edov": false}), sso.CodeDomainNotVerified},
		{"xms_edov \"false\" is false too", true, tidAcme, entraUser(tidAcme, map[string]any{"xms_edov": "false"}), sso.CodeDomainNotVerified},
		{"xms_edov true links", true, tidAcme, entraUser(tidAcme, map[string]any{"xms_edov": true}), ""},
		{"no xms_edov links by the verified domain", true, tidAcme, entraUser(tidAcme, nil), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := oidcConn("azure", sso.KindAzure)
			c.Parameters.TenantID = tc.pinned
			e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
				users: ann, opUsers: []ssotest.OIDCUser{tc.user}, multiTenant: tc.multiTenant})
			resp, body := e.login("/sso/acme/login")
			if tc.code == "" {
				if res := e.wantLoggedIn(resp, body); res.User.ID != "ann" || !res.Linked {
					t.Fatalf("user %+v linked %v", res.User, res.Linked)
				}
				return
			}
			wantError(t, resp, body, tc.code)
			if e.lastSession() != nil {
				t.Fatal("a session was started")
			}
		})
	}
}
