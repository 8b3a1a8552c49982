package sso_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

func newSAMLIdP(t *testing.T) *ssotest.SAMLIdP {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "bob@acme.example", Attributes: []ssotest.SAMLAttribute{
		{Name: "email", Values: []string{"Bob@Acme.example"}},
		{Name: "name", Values: []string{"Bob Builder"}},
		{Name: "space_name", Values: []string{"DevOps"}},
		{Name: "space_role", Values: []string{"Space Developer"}},
		{Name: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", Values: []string{opsGroupGUID}},
	}})
	t.Cleanup(idp.Close)
	return idp
}

func samlConn(idp *ssotest.SAMLIdP) sso.Connection {
	return sso.Connection{ID: "entra-saml", Kind: sso.KindSAML, Provisioning: sso.JIT, GroupSync: "additive",
		Parameters: sso.Parameters{MetadataXML: string(idp.Metadata()),
			ClaimMapping: map[string]string{"groups": "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"}}}
}

func newSAMLEnv(t *testing.T, idp *ssotest.SAMLIdP, conns ...sso.Connection) *env {
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: append([]sso.Connection{samlConn(idp)}, conns...)}}})
	idp.SPEntityID = e.srv.URL + "/sso/acme/saml/metadata"
	idp.ACSURL = e.srv.URL + "/sso/acme/saml/acs"
	return e
}

var formField = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// samlIdP follows the AuthnRequest redirect at the IdP and returns the
// form it would auto-submit to the ACS.
func (e *env) samlIdP(idp *ssotest.SAMLIdP, authURL string) url.Values {
	e.t.Helper()
	resp, err := idp.Client().Get(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = readAll(&b, resp)
	form := url.Values{}
	for _, m := range formField.FindAllStringSubmatch(b.String(), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" {
		e.t.Fatalf("IdP answered %d without a SAMLResponse form:\n%s", resp.StatusCode, b.String())
	}
	return form
}

func (e *env) postACS(c *http.Client, form url.Values) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+"/sso/acme/saml/acs", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = readAll(&b, resp)
	return resp, b.String()
}

func TestSAMLLoginEndsInSessionWithSpacesRolesAndGroups(t *testing.T) {
	idp := newSAMLIdP(t)
	e := newSAMLEnv(t, idp)
	form := e.samlIdP(idp, e.start("/sso/acme/login?return_to=/projects"))
	acs, _ := url.Parse(e.srv.URL + "/sso/acme/saml/acs")
	stateCookies := e.browser.Jar.Cookies(acs)
	res := e.wantLoggedIn(e.postACS(e.browser, form))
	if res.User.Email != "bob@acme.example" || res.User.Name != "Bob Builder" || !res.Created || res.ReturnTo != e.srv.URL+"/projects" {
		t.Errorf("result: user %+v created %v returnTo %q", res.User, res.Created, res.ReturnTo)
	}
	if res.Identity.Issuer != idp.EntityID || res.Identity.Subject != "bob@acme.example" {
		t.Errorf("identity = %q %q", res.Identity.Issuer, res.Identity.Subject)
	}
	if !slices.Equal(res.Decision.Spaces, []mapping.Assignment{{Space: "DevOps", Role: "Space Developer"}}) ||
		!slices.Equal(res.Decision.Groups, []string{"ops"}) {
		t.Errorf("spaces %v groups %v", res.Decision.Spaces, res.Decision.Groups)
	}
	if held := e.members.Held(res.User.ID); len(held) != 1 || held[0].ID != "ops" {
		t.Errorf("memberships = %v", held)
	}
	if !strings.Contains(e.logs.String(), "valid login through saml connection detected") {
		t.Errorf("no audit event:\n%s", e.logs.String())
	}

	t.Run("the same response posted again is refused", func(t *testing.T) {
		resp, body := e.postACS(e.browser, form)
		wantError(t, resp, body, sso.CodeInvalidState) // the state cookie was deleted
		attacker := e.newBrowser()
		attacker.Jar.SetCookies(acs, stateCookies) // kept the state cookie
		resp, body = e.postACS(attacker, form)
		wantError(t, resp, body, sso.CodeReplayed)
		other := e.newBrowser()
		e.samlIdP(idp, e.startWith(other, "/sso/acme/login"))
		resp, body = e.postACS(other, form) // a fresh state, an old response
		wantError(t, resp, body, sso.CodeInvalidState)
	})
}

func TestSAMLFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		knob  func(*ssotest.SAMLIdP)
		code  sso.Code
		clear bool // post without the state cookie
	}{
		{"wrong audience is audience_mismatch", func(i *ssotest.SAMLIdP) { i.Audience = "https://other.example" }, sso.CodeAudience, false},
		{"unsigned response is signature_invalid", func(i *ssotest.SAMLIdP) { i.Signing = ssotest.SAMLSignNothing }, sso.CodeSignature, false},
		{"expired assertion is assertion_expired", func(i *ssotest.SAMLIdP) {
			i.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		}, sso.CodeExpired, false},
		{"response to another request is invalid_state", func(i *ssotest.SAMLIdP) { i.InResponseTo = "id-other" }, sso.CodeInvalidState, false},
		{"no state cookie (login CSRF) is invalid_state", func(*ssotest.SAMLIdP) {}, sso.CodeInvalidState, true},
		{"IdP error status is idp_refused", func(i *ssotest.SAMLIdP) {
			i.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"
		}, sso.CodeIdPRefused, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := newSAMLIdP(t)
			e := newSAMLEnv(t, idp)
			tc.knob(idp)
			form := e.samlIdP(idp, e.start("/sso/acme/login"))
			c := e.browser
			if tc.clear {
				c = e.newBrowser()
			}
			resp, body := e.postACS(c, form)
			wantError(t, resp, body, tc.code)
			if e.lastSession() != nil {
				t.Fatal("a session was started")
			}
		})
	}
}

func TestSAMLMetadata(t *testing.T) {
	idp := newSAMLIdP(t)
	e := newSAMLEnv(t, idp)
	resp, body := e.get(e.browser, "/sso/acme/saml/metadata")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, e.srv.URL+"/sso/acme/saml/acs") ||
		!strings.Contains(body, `entityID="`+e.srv.URL+`/sso/acme/saml/metadata"`) {
		t.Fatalf("metadata %d:\n%s", resp.StatusCode, body)
	}
}

func TestSAMLStateRules(t *testing.T) {
	t.Run("an expired login state is invalid_state", func(t *testing.T) {
		idp := newSAMLIdP(t)
		var offset atomic.Int64
		e := newEnv(t, envOptions{
			tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{samlConn(idp)}}},
			cfg:     func(c *sso.Config) { c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) } },
		})
		idp.SPEntityID, idp.ACSURL = e.srv.URL+"/sso/acme/saml/metadata", e.srv.URL+"/sso/acme/saml/acs"
		form := e.samlIdP(idp, e.start("/sso/acme/login"))
		offset.Store(int64(11 * time.Minute))
		resp, body := e.postACS(e.browser, form)
		wantError(t, resp, body, sso.CodeInvalidState)
	})
	t.Run("a state sealed for another tenant does not open", func(t *testing.T) {
		idp := newSAMLIdP(t)
		e := newEnv(t, envOptions{tenants: []sso.Tenant{
			{Slug: "acme", Connections: []sso.Connection{samlConn(idp)}},
			{Slug: "globex", Connections: []sso.Connection{samlConn(idp)}},
		}})
		idp.SPEntityID, idp.ACSURL = e.srv.URL+"/sso/acme/saml/metadata", e.srv.URL+"/sso/acme/saml/acs"
		form := e.samlIdP(idp, e.start("/sso/acme/login"))
		copyCookie(e, "/sso/acme/saml/acs", e.srv.URL+"/sso/globex/saml/acs")
		resp, err := e.browser.PostForm(e.srv.URL+"/sso/globex/saml/acs", form)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = readAll(&b, resp)
		resp.Body.Close()
		wantError(t, resp, b.String(), sso.CodeInvalidState)
	})
}
