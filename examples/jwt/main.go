// Command jwt mounts ssokit's SSO handler with one partner-signed JWT
// connection for tenant "acme" (IT Glue's model). The partner's login
// script runs in this process (ssotest.JWTPartner): it signs ann@acme.example
// in with the shared SSO key. Run it with "go run ./examples/jwt".
package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const addr = "127.0.0.1:8083"

func main() {
	base := "http://" + addr
	key, err := jwtsso.GenerateKey(rand.Reader) // shown once to the partner's admin
	if err != nil {
		log.Fatal(err)
	}
	partner := ssotest.NewJWTPartner([]byte(key), "ann@acme.example", base+"/sso/acme/jwt")
	h, err := newHandler(base, key, partner.LoginURL())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("open %s/sso/acme/login\n", base)
	log.Fatal(http.ListenAndServe(addr, h))
}

// newHandler is the whole integration: one tenant, one JWT connection
// that signs in existing users only, and the host's session callback.
func newHandler(base, key, remoteLoginURL string) (http.Handler, error) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme",
		// The operator vouches for acme.example (tenants prove domains by DNS
		// through package domains); only emails under it may sign in.
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: sso.VerificationManual, Reason: "example tenant"}},
		Connections: []sso.Connection{{
			Kind: sso.KindJWT, Parameters: sso.Parameters{SharedSecret: key, RemoteLoginURL: remoteLoginURL}}}})
	if err != nil {
		return nil, err
	}
	state := make([]byte, 32)
	rand.Read(state)
	h, err := sso.New(sso.Config{BaseURL: base + "/sso", StateKey: state, Store: store,
		Users: sso.NewMemoryUsers(sso.User{ID: "u1", Tenant: "acme", Email: "ann@acme.example", Name: "Ann Lee"}),
		Sessions: sso.SessionFunc(func(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
			log.Printf("signed in: %s (tenant %s)", res.User.Email, res.Tenant) // set your session cookie here
			return nil
		}), InsecureCookies: true}) // plain HTTP on loopback only
	mux := http.NewServeMux()
	mux.Handle("/sso/", h)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "signed in: see the terminal") })
	return mux, err
}
