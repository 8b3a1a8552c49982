package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

func TestLoginStartPicksTheConnection(t *testing.T) {
	a := oidcConn("azure", sso.KindAzure)
	a.Domains = []string{"acme.example"}
	g := oidcConn("google", sso.KindGoogle)
	g.Domains = []string{"acme-labs.example"}
	req := oidcConn("okta", sso.KindOkta)
	req.Mode = sso.ModeRequired
	off := oidcConn("old", sso.KindOIDC)
	off.Disabled = true
	for _, tc := range []struct {
		name  string
		conns []sso.Connection
		query string
		want  string // connection whose callback the state names; "" = chooser
	}{
		{"explicit connection", []sso.Connection{a, g}, "connection=google", "google"},
		{"home-realm discovery by email domain", []sso.Connection{a, g}, "email=ann@ACME-labs.example", "google"},
		{"email of an unknown domain falls back to the chooser", []sso.Connection{a, g}, "email=x@other.example", ""},
		{"the required connection auto-redirects", []sso.Connection{a, req}, "", "okta"},
		{"email domain wins over the required connection", []sso.Connection{a, req}, "email=bo@acme.example", "azure"},
		{"a single connection auto-redirects", []sso.Connection{g, off}, "", "google"},
		{"several optional connections show the chooser", []sso.Connection{a, g, off}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: tc.conns}}})
			resp, body := e.get(e.browser, "/sso/acme/login?"+tc.query)
			if tc.want == "" {
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, "connection=azure") || !strings.Contains(body, "connection=google") || strings.Contains(body, "connection=old") {
					t.Fatalf("chooser %d:\n%s", resp.StatusCode, body)
				}
				return
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || !strings.HasSuffix(loc.Query().Get("redirect_uri"), "/oidc/callback/"+tc.want) {
				t.Fatalf("%d to %v, want the %s connection", resp.StatusCode, loc, tc.want)
			}
		})
	}
	t.Run("disabled connection cannot be started", func(t *testing.T) {
		e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{a, off}}}})
		resp, body := e.get(e.browser, "/sso/acme/login?connection=old")
		wantError(t, resp, body, sso.CodeNotConfigured)
	})
}

func TestLoginHintCarriesTheEmail(t *testing.T) {
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}}})
	loc, _ := url.Parse(e.start("/sso/acme/login?email=ann@acme.example"))
	if loc.Query().Get("login_hint") != "ann@acme.example" {
		t.Fatalf("login_hint missing: %v", loc)
	}
}

func TestSSODisabledWithoutStore(t *testing.T) {
	e := newEnv(t, envOptions{cfg: func(c *sso.Config) { c.Store = nil }})
	resp, body := e.get(e.browser, "/sso/acme/login")
	wantError(t, resp, body, sso.CodeNotConfigured)
	if resp, body := e.get(e.browser, "/sso/acme/providers"); resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Fatalf("providers %d %q", resp.StatusCode, body)
	}
}

func TestMountedWithStripPrefix(t *testing.T) {
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
		users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}},
		mount:   func(h *sso.Handler) http.Handler { return http.StripPrefix("/sso", h) },
	})
	if res := e.wantLoggedIn(e.login("/sso/acme/login")); res.User.ID != "ann" {
		t.Fatalf("user %q", res.User.ID)
	}
	if got := e.h.LaunchURL("acme"); got != e.srv.URL+"/sso/acme/login" {
		t.Fatalf("LaunchURL = %q", got)
	}
}

func TestConnectionChangeAppliesOnNextLogin(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	e := acmeEnv(t, c, nil)
	resp, body := e.login("/sso/acme/login")
	wantError(t, resp, body, sso.CodeNotAllowed) // existing-only, no user
	stored, err := e.store.Connection(t.Context(), "acme", "okta")
	if err != nil {
		t.Fatal(err)
	}
	stored.Provisioning = sso.JIT
	if _, err := e.store.Put(t.Context(), "acme", *stored); err != nil {
		t.Fatal(err)
	}
	if res := e.wantLoggedIn(e.login("/sso/acme/login")); !res.Created {
		t.Fatal("JIT not applied after the change")
	}
	if _, err := e.store.Put(t.Context(), "acme", *stored); !errors.Is(err, sso.ErrConflict) {
		t.Fatalf("stale write: err = %v, want ErrConflict", err)
	}
	stored.Version = 2
	stored.Kind = "ldap"
	var ce *sso.ConfigError
	if _, err := e.store.Put(t.Context(), "acme", *stored); !errors.As(err, &ce) {
		t.Fatalf("invalid write: err = %v, want *ConfigError", err)
	}
}

func TestDeletedConnectionIsGoneOnNextLogin(t *testing.T) {
	e := acmeEnv(t, oidcConn("okta", sso.KindOkta), []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
	e.wantLoggedIn(e.login("/sso/acme/login"))
	ctx := t.Context()
	if err := e.store.DeleteConnection(ctx, "acme", "okta", 0); !errors.Is(err, sso.ErrConflict) {
		t.Fatalf("stale delete: err = %v, want ErrConflict", err)
	}
	if err := e.store.DeleteConnection(ctx, "acme", "nope", 1); !errors.Is(err, sso.ErrNotFound) {
		t.Fatalf("unknown connection: err = %v, want ErrNotFound", err)
	}
	if err := e.store.DeleteConnection(ctx, "acme", "okta", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Connection(ctx, "acme", "okta"); !errors.Is(err, sso.ErrNotFound) {
		t.Fatalf("Connection after delete: err = %v, want ErrNotFound", err)
	}
	resp, body := e.get(e.browser, e.srv.URL+"/sso/acme/login")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("login after delete answered %d, want 404 (SSO not configured):\n%s", resp.StatusCode, body)
	}
}

func TestCompiledOncePerVersion(t *testing.T) {
	e := acmeEnv(t, oidcConn("okta", sso.KindOkta), []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
	for range 3 {
		e.wantLoggedIn(e.login("/sso/acme/login"))
	}
	if n := e.h.Compilations(); n != 1 {
		t.Fatalf("compiled %d times for one version", n)
	}
	stored, _ := e.store.Connection(t.Context(), "acme", "okta")
	stored.EmailPattern = ".*"
	if _, err := e.store.Put(t.Context(), "acme", *stored); err != nil {
		t.Fatal(err)
	}
	e.wantLoggedIn(e.login("/sso/acme/login"))
	if n := e.h.Compilations(); n != 2 {
		t.Fatalf("compiled %d times for two versions", n)
	}
}

func TestPasswordPolicy(t *testing.T) {
	req := oidcConn("okta", sso.KindOkta)
	req.Mode = sso.ModeRequired
	jwtReq := sso.Connection{Kind: sso.KindJWT, Mode: sso.ModeRequired, Parameters: sso.Parameters{SharedSecret: partnerKey}}
	e := newEnv(t, envOptions{tenants: []sso.Tenant{
		{Slug: "required", Connections: []sso.Connection{req}},
		{Slug: "optional", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}},
		{Slug: "itglue", AllowBreakGlass: true, Connections: []sso.Connection{jwtReq}},
	}})
	for tenant, want := range map[string]bool{"required": true, "optional": false, "itglue": true, "none": false} {
		if got, err := e.h.RequiresSSO(t.Context(), tenant); err != nil || got != want {
			t.Errorf("RequiresSSO(%s) = %v, %v; want %v", tenant, got, err, want)
		}
	}
	for _, tc := range []struct {
		name    string
		req     sso.PasswordRequest
		allowed bool
	}{
		{"required blocks the password", sso.PasswordRequest{Tenant: "required", User: sso.User{ID: "u"}}, false},
		{"optional allows the password", sso.PasswordRequest{Tenant: "optional", User: sso.User{ID: "u"}}, true},
		{"a tenant without SSO allows the password", sso.PasswordRequest{Tenant: "none", User: sso.User{ID: "u"}}, true},
		{"privileged users always may", sso.PasswordRequest{Tenant: "required", User: sso.User{ID: "u", Privileged: true}}, true},
		{"pending users never may", sso.PasswordRequest{Tenant: "optional", User: sso.User{ID: "u", Pending: true, Privileged: true}}, false},
		{"enforced JWT SSO blocks the password", sso.PasswordRequest{Tenant: "itglue", User: sso.User{ID: "u"}}, false},
		{"break-glass path where the tenant allows it", sso.PasswordRequest{Tenant: "itglue", User: sso.User{ID: "u"}, BreakGlass: true}, true},
		{"break-glass path where the tenant does not", sso.PasswordRequest{Tenant: "required", User: sso.User{ID: "u"}, BreakGlass: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.h.CheckPasswordLogin(t.Context(), tc.req)
			if tc.allowed != (err == nil) {
				t.Fatalf("err = %v, allowed want %v", err, tc.allowed)
			}
			if err != nil && !errors.Is(err, &sso.Error{Code: sso.CodeSSORequired}) {
				t.Fatalf("err = %#v, want CodeSSORequired", err)
			}
		})
	}
}

func TestDebugClaimsAreRedactedAndBounded(t *testing.T) {
	u := torqueUser()
	u.Claims["client_secret_hint"] = "hunter2"
	u.Claims["refresh_token_copy"] = "rt-123"
	e := newEnv(t, envOptions{
		tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}}},
		users:   []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}},
		opUsers: []ssotest.OIDCUser{u},
	})
	e.wantLoggedIn(e.login("/sso/acme/login"))
	rec, ok := e.h.LastClaims("acme", "okta")
	if !ok || rec.Subject != "sub-ann" {
		t.Fatalf("record %+v %v", rec, ok)
	}
	var sawGroups bool
	for _, c := range rec.Claims {
		if strings.Contains(c.JSON, "hunter2") || strings.Contains(c.JSON, "rt-123") {
			t.Errorf("secret shown: %v", c)
		}
		sawGroups = sawGroups || (strings.HasSuffix(c.Path, ":groups") && strings.Contains(c.JSON, opsGroupGUID))
	}
	if !sawGroups {
		t.Errorf("groups claim not shown: %v", rec.Claims)
	}
	srv := e.h.DebugHandler()
	rr := newRecorder()
	srv.ServeHTTP(rr, httpReq("/debug?tenant=acme&connection=okta"))
	if rr.Code != http.StatusOK || !strings.Contains(rr.Body.String(), opsGroupGUID) {
		t.Fatalf("debug handler %d %s", rr.Code, rr.Body.String())
	}
	if _, ok := e.h.LastClaims("globex", "okta"); ok {
		t.Fatal("record for a tenant that never logged in")
	}
}

func TestDryRunShowsClaimsAndFailures(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.TestExpressions = []string{"IDTOKEN.aud = 'app'", "match(ACCESSTOKEN.scp, /w2w/i)"}
	e := acmeEnv(t, c, nil)
	rep, err := e.h.DryRun(t.Context(), "acme", "okta", policy.Documents{IDToken: map[string]any{"aud": "app"}, AccessToken: map[string]any{"scp": []any{"openid"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Passed || len(rep.Result.Failed()) != 1 || rep.Result.Failed()[0].Index != 1 || len(rep.Claims) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if _, err := e.h.DryRun(t.Context(), "globex", "okta", policy.Documents{}); !errors.Is(err, &sso.Error{Code: sso.CodeNotConfigured}) {
		t.Fatalf("other tenant: err = %v", err)
	}
}
