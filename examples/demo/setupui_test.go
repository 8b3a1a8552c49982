package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// A tenant's manager opens the setup pages of their own tenant; other
// users are refused.
func TestSetupPagesAreForTheTenantsManager(t *testing.T) {
	a, _ := startDemo(t)
	anon := newBrowser(t)
	if resp, _ := anon.get(a.URL + "/setup/"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an anonymous visitor got %d from the setup pages, want 401", resp.StatusCode)
	}
	mia := newBrowser(t)
	mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
	resp, body := mia.get(a.URL + "/setup/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="tenant">acme<`) ||
		!strings.Contains(body, a.URL+"/sso/acme/saml/acs") {
		t.Fatalf("acme's manager got %d:\n%s", resp.StatusCode, body)
	}
}

var setupCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// The setup pages' test login runs against the development OpenID
// provider, through the same front door as a real login, and reports
// what the provider sent without signing anyone in.
func TestSetupTestLoginThroughTheDevelopmentProvider(t *testing.T) {
	a, _ := startDemo(t)
	mia := newBrowser(t)
	mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
	_, page := mia.get(a.URL + "/setup/")
	m := setupCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the setup page:\n%s", page)
	}
	resp, chooser := mia.get(a.URL + "/setup/connections/okta/test?csrf=" + url.QueryEscape(html.UnescapeString(m[1])))
	if resp.Request.URL.Path != frontDoorPath {
		t.Fatalf("the test login led to %s, not the front door:\n%s", resp.Request.URL, chooser)
	}
	resp, result := mia.get(mia.link(resp.Request.URL, chooser, "user", "ann@acme.example"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(result, `<span class="ok">the IdP's response was accepted`) ||
		!strings.Contains(result, `<code id="test-subject">00u-ann</code>`) {
		t.Fatalf("test login result %d at %s:\n%s", resp.StatusCode, resp.Request.URL, result)
	}
	if u, _ := a.accounts.FindByEmail(t.Context(), "acme", "ann@acme.example"); u != nil {
		t.Errorf("the test login created a user: %+v", u)
	}
}

// The manager sees the tenant's domains on the setup pages: the pending
// one with the TXT record to publish, and can verify it there.
func TestSetupPagesShowTheTenantsDomains(t *testing.T) {
	a, _ := startDemo(t)
	mia := newBrowser(t)
	mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
	_, page := mia.get(a.URL + "/setup/")
	pending, err := a.domains.Get(t.Context(), "acme", "acme-labs.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="domain-acme.example"`, `<code class="record-name">_ssokit-verification.acme-labs.example</code>`,
		`<code class="record-value">` + pending.Token + `</code>`} {
		if !strings.Contains(page, want) {
			t.Errorf("setup page lacks %s", want)
		}
	}
	if strings.Contains(page, "globex") {
		t.Error("acme's setup page shows globex's domains")
	}
	m := setupCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the setup page")
	}
	resp, body := mia.post(a.URL+"/setup/domains/acme-labs.example/verify", url.Values{"csrf": {html.UnescapeString(m[1])}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(body), "acme-labs.example is still pending") {
		t.Fatalf("Verify now answered %d:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, `<td>mia@acme.example</td><td>domain.verify</td><td>acme-labs.example</td>`) {
		t.Errorf("the verification is not in the change log:\n%s", body)
	}
}
