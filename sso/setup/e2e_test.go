package setup_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/ssotest"
)

func newSAMLIdP(t *testing.T) *ssotest.SAMLIdP {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ada@acme.example", Attributes: []ssotest.SAMLAttribute{
		{Name: "email", Values: []string{"ada@acme.example"}},
		{Name: "name", Values: []string{"Ada Lovelace"}},
		{Name: "department", Values: []string{"Engineering"}},
	}})
	t.Cleanup(idp.Close)
	return idp
}

var samlField = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// samlLogin signs a user in through the sso handler and the IdP, and
// returns the ACS answer.
func (e *env) samlLogin(t *testing.T, connection string) *http.Response {
	t.Helper()
	user := e.client(t)
	res, body := user.do("GET", "/sso/acme/login?connection="+connection, nil, "")
	form := url.Values{}
	for _, m := range samlField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" {
		t.Fatalf("no SAMLResponse form (%d): %s", res.StatusCode, body)
	}
	user.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, body = user.do("POST", "/sso/acme/saml/acs", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	if res.StatusCode/100 != 3 {
		t.Fatalf("ACS answered %d: %s", res.StatusCode, body)
	}
	return res
}

func hasSession(res *http.Response) bool {
	for _, c := range res.Cookies() {
		if c.Name == "app_session" && c.Value != "" {
			return true
		}
	}
	return false
}

// An admin opens a setup link, follows the Okta guide, pastes the IdP's
// metadata URL, saves; a user then signs in, and the admin sees the
// received attributes.
func TestSAMLSetupThenLoginOverHTTP(t *testing.T) {
	e := newEnv(t)
	idp := newSAMLIdP(t)
	admin := e.openLink(t, "acme")
	_, page := admin.do("GET", "/setup/?idp=okta", nil, "")
	acs := e.srv.URL + "/sso/acme/saml/acs"
	entity := e.srv.URL + "/sso/acme/saml/metadata"
	if !strings.Contains(page, `id="acs-url">`+acs+`<`) || !strings.Contains(page, `id="entity-id">`+entity+`<`) ||
		!strings.Contains(page, "Okta Admin Console") {
		t.Fatalf("the guide does not show the values to copy:\n%s", page)
	}
	idp.SPEntityID, idp.ACSURL = entity, acs // what the admin pasted into the IdP

	res, page := admin.form("/setup/connections", url.Values{"new": {"1"}, "id": {"okta"}, "kind": {"saml"},
		"mode": {"optional"}, "provisioning": {"jit"}, "groupSync": {"none"},
		"parameters.metadataUrl": {idp.URL + "/metadata"}})
	if res.StatusCode != 200 || !strings.Contains(page, "Saved okta (version 1)") {
		t.Fatalf("save answered %d:\n%s", res.StatusCode, page)
	}
	if login := e.samlLogin(t, "okta"); !hasSession(login) {
		t.Fatal("the user has no session after the SAML login")
	}
	_, page = admin.do("GET", "/setup/", nil, "")
	if !strings.Contains(page, "Last login through okta") || !strings.Contains(page, "Engineering") {
		t.Fatalf("the admin does not see the received attributes:\n%s", page)
	}
}
