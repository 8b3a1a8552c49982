// Command oidc mounts ssokit's SSO handler with one OpenID Connect
// connection for tenant "acme", against an OpenID provider running in this
// process (HTTPS with a self-signed certificate: accept it once). Run it
// with "go run ./examples/oidc".
package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const addr = "127.0.0.1:8081"

func main() {
	base := "http://" + addr
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "app-secret", RedirectURIs: []string{base + "/sso/acme/oidc/callback/oidc"}}},
		Users:   []ssotest.OIDCUser{{Subject: "u1", Email: "ann@acme.example", Name: "Ann Lee"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	op.Start()
	h, err := newHandler(base, op.Issuer(), op.Client())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("open %s/sso/acme/login\n", base)
	log.Fatal(http.ListenAndServe(addr, h))
}

// newHandler is the whole integration: one tenant, one connection (users
// are created on their first login), and the host's session callback.
func newHandler(base, issuer string, client *http.Client) (http.Handler, error) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme",
		// The operator vouches for acme.example (tenants prove it by DNS: package domains).
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: sso.VerificationManual, Reason: "example tenant"}},
		Connections: []sso.Connection{{
			Kind: sso.KindOIDC, Provisioning: sso.JIT,
			Parameters: sso.Parameters{ClientID: "app", ClientSecret: "app-secret", DiscoveryEndpoint: issuer}}}})
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	h, err := sso.New(sso.Config{BaseURL: base + "/sso", StateKey: key, Store: store, Users: sso.NewMemoryUsers(),
		Sessions: sso.SessionFunc(func(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
			log.Printf("signed in: %s (tenant %s)", res.User.Email, res.Tenant) // set your session cookie here
			return nil
		}), HTTPClient: client, InsecureCookies: true}) // plain HTTP on loopback only
	mux := http.NewServeMux()
	mux.Handle("/sso/", h)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "signed in: see the terminal") })
	return mux, err
}
