package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ssokit/ssokit/ssotest"
)

// The demo's catalog: what the host application knows about (see
// newCatalog in tenants.go). The identity providers below name these spaces and roles
// and the groups by their IdP identifiers, as Okta and Entra ID do.
const (
	platformGroupGUID = "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"
	financeGroupGUID  = "0a4c9f1e-3d2b-4c5a-8e7f-112233445566"
	// entraGroupsClaim is the attribute Entra ID puts group object ids in.
	entraGroupsClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
)

// oidcUsers are the people the development OpenID provider (tenant
// "acme") can sign in. Their ID tokens carry Torque's space_name and
// space_role attributes and an Okta-style groups claim.
var oidcUsers = []ssotest.OIDCUser{
	{Subject: "00u-ann", Email: "ann@acme.example", Name: "Ann Lee", Claims: map[string]any{
		"email_verified": true,
		"space_name":     "DevOps, Trial",
		"space_role":     "Space Developer, Space Member",
		"timezone":       "Europe/Berlin",
		"groups":         []any{platformGroupGUID, "not-a-known-group"},
		"employee_type":  "employee",
	}},
	{Subject: "00u-bob", Email: "bob@acme.example", Name: "Bob Stone", Claims: map[string]any{
		"email_verified": true,
		"space_name":     "Production",
		"space_role":     "Space Admin",
		"groups":         []any{financeGroupGUID},
		"employee_type":  "employee",
	}},
	// Sam is refused by acme's test expression (see tenants.go).
	{Subject: "00u-sam", Email: "sam@acme.example", Name: "Sam Contractor", Claims: map[string]any{
		"email_verified": true,
		"space_name":     "Trial",
		"employee_type":  "contractor",
	}},
}

// samlUser is the person the development SAML IdP (tenant "globex")
// asserts, with Entra ID's attribute names for groups.
var samlUser = ssotest.SAMLUser{NameID: "carol@globex.example", Attributes: []ssotest.SAMLAttribute{
	{Name: "email", Values: []string{"carol@globex.example"}},
	{Name: "name", Values: []string{"Carol Diaz"}},
	{Name: "space_name", Values: []string{"Trial,DevOps,Production"}},
	{Name: "space_role", Values: []string{"Space Admin,Space Developer"}},
	{Name: entraGroupsClaim, Values: []string{platformGroupGUID, financeGroupGUID}},
}}

// devIdPs are the identity providers the demo runs in its own process, on
// loopback: an OpenID provider and a SAML IdP from package ssotest.
type devIdPs struct {
	op   *ssotest.OIDCProvider
	saml *ssotest.SAMLIdP
}

// startDevIdPs starts both providers. ssoBase is the demo's SSO prefix
// (".../sso"); the providers accept only its callback and ACS URLs, and
// the OpenID provider also the setup pages' test-login redirect URI
// (setupBase + "/test/oidc/callback"), as an admin would register it.
func startDevIdPs(ssoBase, setupBase string) (*devIdPs, error) {
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: oidcClientID, Secret: oidcClientSecret,
			RedirectURIs: []string{ssoBase + "/acme/oidc/callback/okta", setupBase + "/test/oidc/callback"}}},
		Users: oidcUsers,
	})
	if err != nil {
		return nil, fmt.Errorf("development OpenID provider: %w", err)
	}
	op.Start()
	idp := ssotest.NewSAMLIdP(samlUser)
	idp.SPEntityID = ssoBase + "/globex/saml/metadata"
	idp.ACSURL = ssoBase + "/globex/saml/acs"
	return &devIdPs{op: op, saml: idp}, nil
}

// Close stops both providers.
func (d *devIdPs) Close() {
	d.op.Close()
	d.saml.Close()
}

// The development OpenID provider serves HTTPS with a certificate your
// browser does not trust. So that the demo opens without a certificate
// warning, the browser reaches the provider's authorization endpoint
// through a plain-HTTP front door on the demo's own address, which also
// lets you pick the demo user. Real identity providers need none of this:
// the front door only relays, and every token still comes from the
// provider and is verified by ssokit.

// frontDoorPath is where the demo relays authorization requests.
const frontDoorPath = "/dev-idp/authorize"

// redirectToFrontDoor rewrites redirects that the SSO handler sends to
// the provider's authorization endpoint so that they go through the front
// door instead.
func (d *devIdPs) redirectToFrontDoor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&locationRewriter{ResponseWriter: w, from: d.op.URL + "/authorize"}, r)
	})
}

type locationRewriter struct {
	http.ResponseWriter
	from string
}

func (w *locationRewriter) WriteHeader(code int) {
	if rest, ok := strings.CutPrefix(w.Header().Get("Location"), w.from); ok {
		w.Header().Set("Location", frontDoorPath+rest)
	}
	w.ResponseWriter.WriteHeader(code)
}

// frontDoor shows the user chooser when the request names no user
// (login_hint), else asks the provider for the authorization response and
// passes its redirect on to the browser.
func (d *devIdPs) frontDoor(pages *pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("login_hint") == "" {
			pages.render(w, http.StatusOK, "chooser.html", chooserData{Query: q, Users: oidcUsers})
			return
		}
		c := *d.op.Client() // a copy: the SSO handler uses the original
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(d.op.URL + "/authorize?" + q.Encode())
		if err != nil {
			http.Error(w, "development IdP unreachable", http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil {
			http.Error(w, "development IdP refused the request", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, loc.String(), http.StatusFound)
	})
}

// chooserData fills chooser.html.
type chooserData struct {
	Query url.Values
	Users []ssotest.OIDCUser
}

// With returns the authorization query with login_hint set to email.
func (c chooserData) With(email string) string {
	q := url.Values{}
	for k, v := range c.Query {
		q[k] = v
	}
	q.Set("login_hint", email)
	return frontDoorPath + "?" + q.Encode()
}
