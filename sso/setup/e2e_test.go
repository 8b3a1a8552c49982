package setup_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
	e.now = time.Now() // the IdP signs with the real clock
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
	// Test login: the admin added setup's test ACS to the IdP.
	idp.ACSURL = e.srv.URL + "/setup/test/saml/acs"
	resultURL, page := admin.testLogin(t, "okta")
	for _, want := range []string{"the IdP's response was accepted", "No user was created", "department",
		"Engineering", `id="test-subject">ada@acme.example<`, "no user is created or updated by a test login"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the test login result lacks %q:\n%s", want, page)
		}
	}
	// The result is not visible from another tenant's setup link.
	if res, _ := e.openLink(t, "globex").do("GET", resultURL, nil, ""); res.StatusCode != 404 {
		t.Fatalf("globex's admin opened acme's test result: %d", res.StatusCode)
	}
	idp.ACSURL = acs

	if login := e.samlLogin(t, "okta"); !hasSession(login) {
		t.Fatal("the user has no session after the SAML login")
	}
	_, page = admin.do("GET", "/setup/", nil, "")
	if !strings.Contains(page, "Last login through okta") || !strings.Contains(page, "Engineering") {
		t.Fatalf("the admin does not see the received attributes:\n%s", page)
	}
}

// testLogin runs a test login through the IdP; it returns the result
// page's URL and content.
func (c *client) testLogin(t *testing.T, connection string) (string, string) {
	t.Helper()
	if res, _ := c.do("GET", "/setup/connections/"+connection+"/test?csrf=forged", nil, ""); res.StatusCode != 403 {
		t.Fatalf("test login with a forged CSRF token answered %d", res.StatusCode)
	}
	res, body := c.do("GET", "/setup/connections/"+connection+"/test?csrf="+url.QueryEscape(c.csrf), nil, "")
	form := url.Values{}
	for _, m := range samlField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" {
		t.Fatalf("no SAMLResponse form (%d): %s", res.StatusCode, body)
	}
	res, body = c.do("POST", "/setup/test/saml/acs", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	if res.StatusCode != 200 || !strings.Contains(res.Request.URL.Path, "/setup/test/result/") {
		t.Fatalf("test ACS ended at %s with %d: %s", res.Request.URL, res.StatusCode, body)
	}
	for _, ck := range c.http.Jar.Cookies(res.Request.URL) {
		if ck.Name == "app_session" {
			t.Fatal("a test login started a session")
		}
	}
	return res.Request.URL.String(), body
}
