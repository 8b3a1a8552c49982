package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOIDCLoginThroughTheDevelopmentProvider(t *testing.T) {
	a, logs := startDemo(t)
	b := newBrowser(t)
	base, _ := url.Parse(a.URL)

	_, page := b.get(a.URL + "/t/acme/login")
	resp, chooser := b.get(b.link(base, page, "sso", "Acme SSO"))
	if resp.Request.URL.Path != frontDoorPath || !strings.Contains(chooser, "Choose who you are") {
		t.Fatalf("SSO button led to %s:\n%s", resp.Request.URL, chooser)
	}
	resp, me := b.get(b.link(resp.Request.URL, chooser, "user", "ann@acme.example"))
	wantOnMe(t, resp, me,
		`<span id="email">ann@acme.example</span>`, "via SSO connection <b>okta</b>", "account created by this login",
		"<td>DevOps</td><td>Space Developer</td>", "<td>Trial</td><td>Space Member</td>",
		`<span class="tag">platform-team</span>`, "Europe/Berlin",
		"<td>group:platform-team</td><td>identity provider (synced on login)</td>",
		"<code>id_token:space_name</code>", "not-a-known-group")
	if strings.Contains(me, `<span class="tag">finance</span>`) {
		t.Error("ann got the finance group her token does not name")
	}
	if !strings.Contains(logs.String(), "valid login through oidc connection detected") {
		t.Errorf("no audit event for the login:\n%s", logs)
	}

	t.Run("the email form skips the chooser (login_hint)", func(t *testing.T) {
		b := newBrowser(t)
		resp, me := b.get(a.URL + "/sso/acme/login?email=bob@acme.example")
		wantOnMe(t, resp, me, `<span id="email">bob@acme.example</span>`, "<td>Production</td><td>Space Admin</td>",
			`<span class="tag">finance</span>`, `<span class="tag">billing:read</span>`)
	})
	t.Run("signing out ends the session", func(t *testing.T) {
		resp, _ := b.post(a.URL+"/logout", nil)
		if resp.Request.URL.Path != "/" {
			t.Fatalf("logout landed on %s", resp.Request.URL)
		}
		if resp, _ := b.get(a.URL + "/me"); resp.Request.URL.Path != "/" {
			t.Errorf("/me after logout answered at %s, want a redirect home", resp.Request.URL)
		}
	})
}

func TestSAMLLoginInTenantWhereSSOIsRequired(t *testing.T) {
	a, _ := startDemo(t)
	b := newBrowser(t)
	base, _ := url.Parse(a.URL)

	_, page := b.get(a.URL + "/t/globex/login")
	if !strings.Contains(page, "(saml, required)") {
		t.Errorf("login page does not show the required SAML connection:\n%s", page)
	}
	resp, autoPost := b.get(b.link(base, page, "sso", "Globex SSO"))
	if resp.Request.URL.Host == base.Host {
		t.Fatalf("SSO button did not lead to the IdP but to %s", resp.Request.URL)
	}
	resp, me := b.submitAutoPost(autoPost)
	wantOnMe(t, resp, me, `<span id="email">carol@globex.example</span>`, "via SSO connection <b>entra</b>",
		"<td>Trial</td><td>Space Admin</td>", "<td>DevOps</td><td>Space Developer</td>",
		"<td>Production</td><td>Space Member</td>", // no role named for it: the default role
		`<span class="tag">platform-team</span>`, `<span class="tag">finance</span>`,
		`<span class="tag">billing:read</span>`, "saml:"+entraGroupsClaim)
}

func TestPasswordLogin(t *testing.T) {
	a, _ := startDemo(t)
	for _, tc := range []struct {
		name, tenant, email, password string
		signedIn                      bool
		want                          string // shown on the landing page
	}{
		{"a manager signs in where SSO is optional", "acme", "mia@acme.example", "demo", true, "Mia Manager"},
		{"a manager signs in where SSO is required", "globex", "gus@globex.example", "demo", true, "Gus Manager"},
		{"an employee is refused where SSO is required", "globex", "dan@globex.example", "demo", false, "requires single sign-on"},
		{"a wrong password is refused", "acme", "mia@acme.example", "nope", false, errBadPassword.Error()},
		{"another tenant's user is refused", "globex", "mia@acme.example", "demo", false, errBadPassword.Error()},
		{"an SSO-only user has no password", "initech", "erin@initech.example", "demo", false, errBadPassword.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			resp, body := b.post(a.URL+"/t/"+tc.tenant+"/password", url.Values{"email": {tc.email}, "password": {tc.password}})
			signedIn := resp.StatusCode == http.StatusOK && resp.Request.URL.Path == "/me"
			refused := resp.StatusCode == http.StatusUnauthorized && strings.Contains(body, `id="error"`)
			if signedIn != tc.signedIn || refused == tc.signedIn {
				t.Fatalf("got %d at %s, want signed in %v:\n%s", resp.StatusCode, resp.Request.URL, tc.signedIn, body)
			}
			if !strings.Contains(body, tc.want) {
				t.Errorf("page does not show %q:\n%s", tc.want, body)
			}
		})
	}
}

func TestPartnerJWTLogin(t *testing.T) {
	a, _ := startDemo(t)
	base, _ := url.Parse(a.URL)
	login := func(t *testing.T, email string) (*http.Response, string) {
		b := newBrowser(t)
		_, page := b.get(a.URL + "/t/initech/login")
		resp, partner := b.get(b.link(base, page, "sso", "Initech login"))
		if resp.Request.URL.Path != partnerPath {
			t.Fatalf("SSO button led to %s", resp.Request.URL)
		}
		return b.submitPartner(resp.Request.URL, partner, email)
	}
	t.Run("an existing user signs in", func(t *testing.T) {
		resp, me := login(t, "erin@initech.example")
		wantOnMe(t, resp, me, `<span id="email">erin@initech.example</span>`, "via SSO connection <b>partner</b>")
	})
	t.Run("an unknown user is refused, not created", func(t *testing.T) {
		resp, body := login(t, "nobody@initech.example")
		if resp.StatusCode == http.StatusOK || resp.Request.URL.Path == "/me" {
			t.Fatalf("got %d at %s, want refused:\n%s", resp.StatusCode, resp.Request.URL, body)
		}
		if u, _ := a.accounts.FindByEmail(t.Context(), "initech", "nobody@initech.example"); u != nil {
			t.Errorf("user created: %+v", u)
		}
	})
}

func TestSCIMProvisionedUserIsActivatedByFirstLogin(t *testing.T) {
	a, _ := startDemo(t)
	create := func(token string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/scim/v2/Users", strings.NewReader(
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@acme.example","active":true}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := create("not-a-token"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("SCIM with a wrong token answered %d, want 401", resp.StatusCode)
	}
	if resp := create(a.SCIMTokens["acme"]); resp.StatusCode != http.StatusCreated {
		t.Fatalf("SCIM create answered %d, want 201", resp.StatusCode)
	}
	resp, me := newBrowser(t).get(a.URL + "/sso/acme/login?email=bob@acme.example")
	wantOnMe(t, resp, me, `<span id="email">bob@acme.example</span>`, "provisioned by SCIM")
}

func TestClaimsTroubleshootingIsForTheTenantsManagers(t *testing.T) {
	a, _ := startDemo(t)
	ann := newBrowser(t)
	ann.get(a.URL + "/sso/acme/login?email=ann@acme.example")
	claims := a.URL + "/admin/claims?tenant=acme&connection=okta"
	if resp, _ := ann.get(claims); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a plain user got %d from the claims view, want 403", resp.StatusCode)
	}
	gus := newBrowser(t) // globex's manager
	gus.post(a.URL+"/t/globex/password", url.Values{"email": {"gus@globex.example"}, "password": {"demo"}})
	if resp, _ := gus.get(claims); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another tenant's manager got %d from the claims view, want 403", resp.StatusCode)
	}
	mia := newBrowser(t)
	mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
	resp, body := mia.get(claims)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "id_token:space_name") {
		t.Errorf("the tenant's manager got %d:\n%s", resp.StatusCode, body)
	}
}

func TestStartupInstructionsNameTheURLAndTokens(t *testing.T) {
	a, _ := startDemo(t)
	var b strings.Builder
	printInstructions(&b, a, "/home/x/.cache/ssokit-demo/demo.db")
	for _, want := range []string{"/home/x/.cache/ssokit-demo/demo.db", a.URL + "/setup/", a.idps.saml.MetadataURL(), a.URL + "/t/acme/login", a.URL + "/t/globex/login", "mia@acme.example / demo",
		a.URL + "/t/acme/domains", "acme-labs.example is pending",
		a.SCIMTokens["acme"], a.SCIMTokens["globex"], a.SCIMTokens["initech"]} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("instructions lack %q:\n%s", want, b.String())
		}
	}
}

func TestAccessRuleRefusesContractors(t *testing.T) {
	a, logs := startDemo(t)
	resp, body := newBrowser(t).get(a.URL + "/sso/acme/login?email=sam@acme.example")
	if resp.StatusCode == http.StatusOK || resp.Request.URL.Path == "/me" {
		t.Fatalf("sam got %d at %s, want refused:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	if !strings.Contains(body, "test_expression_failed") {
		t.Errorf("error page does not name the failed access rule:\n%s", body)
	}
	if u, _ := a.accounts.FindByEmail(t.Context(), "acme", "sam@acme.example"); u != nil {
		t.Errorf("refused user was created: %+v", u)
	}
	if !strings.Contains(logs.String(), "employee_type") {
		t.Errorf("audit log does not say which rule failed:\n%s", logs)
	}
}
