package sso_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

// Wiring ssokit into a plain net/http application: one tenant "acme" with
// an Okta connection (here an in-process OpenID provider) that creates
// users on first login, for emails under acme.example, a domain acme has
// proven it owns (here an operator vouched for it; see package domains for
// the DNS proof).
func Example() {
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	op := startProvider(srv.URL + "/sso/acme/oidc/callback/okta")
	defer op.Close()

	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", Connections: []sso.Connection{{
		Kind: sso.KindOkta, Provisioning: sso.JIT, Parameters: sso.Parameters{
			ClientID: "app", ClientSecret: "s3cret", DiscoveryEndpoint: op.Issuer()}}}})
	if err != nil {
		log.Fatal(err)
	}
	trust, err := domains.New(domains.Config{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = trust.VerifyManually(context.Background(), "acme", "acme.example",
		domains.Override{Operator: "ops@saas.example", Reason: "contract signed with Acme, ticket 4711"})
	if err != nil {
		log.Fatal(err)
	}
	stateKey := make([]byte, 32)
	rand.Read(stateKey)
	h, err := sso.New(sso.Config{
		BaseURL: srv.URL + "/sso", StateKey: stateKey, Store: store, Users: sso.NewMemoryUsers(),
		Sessions: sso.SessionFunc(func(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
			fmt.Println("session for", res.User.Email, "in", res.Tenant)
			return nil // a real host sets its session cookie here
		}),
		Domains:    trust,
		HTTPClient: op.Client(), // trusts the test provider's certificate
	})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("/sso/", h)

	// A browser follows the tenant's launch URL, signs in at the provider
	// and comes back.
	browser := srv.Client()
	browser.Jar, _ = cookiejar.New(nil)
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := browser.Get(h.LaunchURL("acme") + "?return_to=/projects")
	callback, _ := op.Authorize(resp.Request.Context(), resp.Header.Get("Location"))
	resp, _ = browser.Get(callback.String())
	to, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println(resp.StatusCode, to.Path)
	// Output:
	// session for ann@acme.example in acme
	// 303 /projects
}

// startProvider runs an OpenID provider with one client and one user.
func startProvider(redirectURI string) *ssotest.OIDCProvider {
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "s3cret", RedirectURIs: []string{redirectURI}}},
		Users:   []ssotest.OIDCUser{{Subject: "u1", Email: "ann@acme.example", Name: "Ann"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	op.Start()
	return op
}
