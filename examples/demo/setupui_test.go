package main

import (
	"net/http"
	"net/url"
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
