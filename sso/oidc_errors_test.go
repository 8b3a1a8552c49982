package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

func acmeEnv(t *testing.T, c sso.Connection, users []sso.User, opUsers ...ssotest.OIDCUser) *env {
	if len(opUsers) == 0 {
		opUsers = []ssotest.OIDCUser{torqueUser()}
	}
	return newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
		users: users, opUsers: opUsers})
}

func TestOIDCDocumentedErrors(t *testing.T) {
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	for _, tc := range []struct {
		name   string
		conn   func(*sso.Connection)
		faults ssotest.OIDCFaults
		user   func(*ssotest.OIDCUser)
		users  []sso.User
		code   sso.Code
	}{
		{name: "existing-only without a user is user_not_allowed", code: sso.CodeNotAllowed},
		{name: "emailPattern miss is user_not_allowed", users: ann, code: sso.CodeNotAllowed,
			conn: func(c *sso.Connection) { c.EmailPattern = `^.*@contiamo\.com$` }},
		{name: "missing email is invalid_email", users: ann, code: sso.CodeInvalidEmail,
			user: func(u *ssotest.OIDCUser) { u.Email = "" }},
		{name: "email claim mapped to a missing claim is invalid_email", users: ann, code: sso.CodeInvalidEmail,
			conn: func(c *sso.Connection) { c.Parameters.ClaimMapping = map[string]string{"email": "preferred_username"} }},
		{name: "email_verified false never links by email", users: ann, code: sso.CodeNotAllowed,
			user: func(u *ssotest.OIDCUser) { u.Claims["email_verified"] = false }},
		{name: "email_verified \"false\" never links by email", users: ann, code: sso.CodeNotAllowed,
			user: func(u *ssotest.OIDCUser) { u.Claims["email_verified"] = "false" }},
		{name: "email_verified false never creates either", code: sso.CodeNotAllowed,
			conn: func(c *sso.Connection) { c.Provisioning = sso.JIT },
			user: func(u *ssotest.OIDCUser) { u.Claims["email_verified"] = false }},
		{name: "disabled user is user_not_allowed", code: sso.CodeNotAllowed,
			users: []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example", Disabled: true}}},
		{name: "failed test expression is test_expression_failed", users: ann, code: sso.CodeTestExpression,
			conn: func(c *sso.Connection) {
				c.TestExpressions = []string{"IDTOKEN.aud = 'app'", "match(ACCESSTOKEN.scp, /w2w/i)"}
			}},
		{name: "wrong client secret is code_exchange_failed", users: ann, code: sso.CodeCodeExchange,
			conn: func(c *sso.Connection) { c.Parameters.ClientSecret = "wrong" }},
		{name: "wrong issuer is identity_failed", users: ann, code: sso.CodeIdentity,
			faults: ssotest.OIDCFaults{Issuer: "https://evil.example"}},
		{name: "bad signature is signature_invalid", users: ann, code: sso.CodeSignature,
			faults: ssotest.OIDCFaults{BadSignature: true}},
		{name: "alg none is signature_invalid", users: ann, code: sso.CodeSignature,
			faults: ssotest.OIDCFaults{AlgNone: true}},
		{name: "expired ID token is assertion_expired", users: ann, code: sso.CodeExpired,
			faults: ssotest.OIDCFaults{Expired: true}},
		{name: "other audience is audience_mismatch", users: ann, code: sso.CodeAudience,
			faults: ssotest.OIDCFaults{Audience: []string{"someone-else"}}},
		{name: "google token without the pinned hosted domain is identity_failed", users: ann, code: sso.CodeIdentity,
			conn: func(c *sso.Connection) {
				c.Kind, c.ID, c.Parameters.HostedDomain = sso.KindGoogle, "okta", "acme.example"
			}},
		{name: "google token of another hosted domain is identity_failed", users: ann, code: sso.CodeIdentity,
			conn: func(c *sso.Connection) {
				c.Kind, c.ID, c.Parameters.HostedDomain = sso.KindGoogle, "okta", "acme.example"
			},
			user: func(u *ssotest.OIDCUser) { u.Claims["hd"] = "gmail.com" }},
		{name: "provider error answer is idp_refused", users: ann, code: sso.CodeIdPRefused,
			faults: ssotest.OIDCFaults{AuthorizeError: "access_denied"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := oidcConn("okta", sso.KindOkta)
			if tc.conn != nil {
				tc.conn(&c)
			}
			u := torqueUser()
			if tc.user != nil {
				tc.user(&u)
			}
			e := acmeEnv(t, c, tc.users, u)
			e.op.SetFaults(tc.faults)
			resp, body := e.login("/sso/acme/login")
			wantError(t, resp, body, tc.code)
			if e.lastSession() != nil {
				t.Fatal("a session was started")
			}
			if !strings.Contains(e.logs.String(), "code="+string(tc.code)) {
				t.Errorf("failure not logged with its code:\n%s", e.logs.String())
			}
		})
	}
}

func TestTestExpressionsPass(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.TestExpressions = []string{"IDTOKEN.aud = 'app'", "IDTOKEN.email = 'ann@acme.example' and among(IDTOKEN.space_name, 'Trial,DevOps|x')"}
	e := acmeEnv(t, c, []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
	if res := e.wantLoggedIn(e.login("/sso/acme/login")); res.User.ID != "ann" {
		t.Fatalf("user %q", res.User.ID)
	}
}

func TestSessionFailureIsSessionFailed(t *testing.T) {
	e := acmeEnv(t, oidcConn("okta", sso.KindOkta), []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
	e.sessionErr = errors.New("database is down")
	resp, body := e.login("/sso/acme/login")
	wantError(t, resp, body, sso.CodeSession)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "database is down") {
		t.Fatalf("status %d; the cause must be logged, not shown:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(e.logs.String(), "database is down") {
		t.Errorf("cause not logged:\n%s", e.logs.String())
	}
}

func TestStateAndCSRF(t *testing.T) {
	ann := []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}
	two := []sso.Tenant{
		{Slug: "acme", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta), oidcConn("okta2", sso.KindOkta)}},
		{Slug: "globex", Connections: []sso.Connection{oidcConn("okta", sso.KindOkta)}},
	}
	newTwo := func(t *testing.T) *env {
		return newEnv(t, envOptions{tenants: two, users: ann, opUsers: []ssotest.OIDCUser{torqueUser()}})
	}
	t.Run("callback in another browser (login CSRF) is invalid_state", func(t *testing.T) {
		e := newTwo(t)
		cb := e.idp(e.start("/sso/acme/login?connection=okta"))
		resp, body := e.get(e.newBrowser(), cb)
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("tampered state is invalid_state", func(t *testing.T) {
		e := newTwo(t)
		cb, _ := url.Parse(e.idp(e.start("/sso/acme/login?connection=okta")))
		q := cb.Query()
		st := []byte(q.Get("state"))
		st[len(st)/2] ^= 1
		q.Set("state", string(st))
		cb.RawQuery = q.Encode()
		resp, body := e.get(e.browser, cb.String())
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("the same callback twice is invalid_state", func(t *testing.T) {
		e := newTwo(t)
		authURL := e.start("/sso/acme/login?connection=okta")
		acs, _ := url.Parse(e.srv.URL + "/sso/acme/oidc/callback/okta")
		cookies := e.browser.Jar.Cookies(acs)
		cb := e.idp(authURL)
		e.wantLoggedIn(e.get(e.browser, cb))
		attacker := e.newBrowser()
		attacker.Jar.SetCookies(acs, cookies)
		resp, body := e.get(attacker, cb)
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("state of another connection is invalid_state", func(t *testing.T) {
		e := newTwo(t)
		cb, _ := url.Parse(e.idp(e.start("/sso/acme/login?connection=okta")))
		cb.Path = strings.Replace(cb.Path, "/callback/okta", "/callback/okta2", 1)
		copyCookie(e, "/sso/acme/oidc/callback/okta", cb.String())
		resp, body := e.get(e.browser, cb.String())
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("state of another tenant is invalid_state", func(t *testing.T) {
		e := newTwo(t)
		cb, _ := url.Parse(e.idp(e.start("/sso/acme/login?connection=okta")))
		cb.Path = strings.Replace(cb.Path, "/acme/", "/globex/", 1)
		copyCookie(e, "/sso/acme/oidc/callback/okta", cb.String())
		resp, body := e.get(e.browser, cb.String())
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("login cookie is HttpOnly, Secure and scoped to the callback", func(t *testing.T) {
		e := newTwo(t)
		resp, _ := e.get(e.browser, "/sso/acme/login?connection=okta")
		ck := resp.Cookies()
		if len(ck) != 1 || !ck[0].HttpOnly || !ck[0].Secure || ck[0].Path != "/sso/acme/oidc/callback/okta" {
			t.Fatalf("cookies = %+v", ck)
		}
	})
}

// copyCookie gives the browser's state cookie of path to target as well
// (an attacker who moves a state between callbacks).
func copyCookie(e *env, path, target string) {
	from, _ := url.Parse(e.srv.URL + path)
	to, _ := url.Parse(target)
	var moved []*http.Cookie
	for _, c := range e.browser.Jar.Cookies(from) {
		moved = append(moved, &http.Cookie{Name: c.Name, Value: c.Value, Path: to.Path})
	}
	e.browser.Jar.SetCookies(to, moved)
}

func TestReturnToOpenRedirects(t *testing.T) {
	e := acmeEnv(t, oidcConn("okta", sso.KindOkta), []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
	for _, bad := range []string{
		"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
		"http:evil.example", "/ok\r\nSet-Cookie: x=y", "evil.example", "/%0a", "\t//evil.example",
		"https://" + strings.TrimPrefix(e.srv.URL, "https://") + ".evil.example/", "https://user@" + strings.TrimPrefix(e.srv.URL, "https://") + "/",
	} {
		t.Run("refused "+bad, func(t *testing.T) {
			resp, body := e.get(e.browser, "/sso/acme/login?return_to="+url.QueryEscape(bad))
			wantError(t, resp, body, sso.CodeInvalidReturnTo)
		})
	}
	t.Run("a local path survives the round trip", func(t *testing.T) {
		res := e.wantLoggedIn(e.login("/sso/acme/login?return_to=" + url.QueryEscape("/a/b?c=d#e")))
		if res.ReturnTo != e.srv.URL+"/a/b?c=d#e" {
			t.Fatalf("returnTo %q", res.ReturnTo)
		}
	})
	t.Run("an absolute URL on our origin is accepted", func(t *testing.T) {
		res := e.wantLoggedIn(e.login("/sso/acme/login?return_to=" + url.QueryEscape(e.srv.URL+"/x")))
		if res.ReturnTo != e.srv.URL+"/x" {
			t.Fatalf("returnTo %q", res.ReturnTo)
		}
	})
}

func TestErrorPageDoesNotReflectInput(t *testing.T) {
	e := acmeEnv(t, oidcConn("okta", sso.KindOkta), nil)
	resp, body := e.get(e.browser, "/sso/"+url.PathEscape("<script>alert(1)</script>")+"/login?connection=%3Cimg%3E")
	wantError(t, resp, body, sso.CodeNotConfigured)
	if strings.Contains(body, "<script>") || strings.Contains(body, "<img>") || strings.Contains(body, "alert") {
		t.Fatalf("input reflected:\n%s", body)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("no CSP on the error page")
	}
}
