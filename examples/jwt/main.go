// Command jwt mounts ssokit's SSO handler with one partner-signed JWT
// connection for tenant "acme" (IT Glue's model). The partner's login
// script, played here by /partner/login, signs a token with the shared
// SSO key for ann@acme.example. Run it with "go run ./examples/jwt".
package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sso"
)

const addr = "127.0.0.1:8083"

func main() {
	key, err := jwtsso.GenerateKey(rand.Reader) // shown once to the partner's admin
	if err != nil {
		log.Fatal(err)
	}
	h, err := newHandler("http://"+addr, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("open http://%s/sso/acme/login\n", addr)
	log.Fatal(http.ListenAndServe(addr, h))
}

// newHandler is the whole integration: one tenant, one JWT connection
// that signs in existing users only, and the host's session callback.
func newHandler(base, key string) (http.Handler, error) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", Connections: []sso.Connection{{
		Kind: sso.KindJWT, Parameters: sso.Parameters{SharedSecret: key, RemoteLoginURL: base + "/partner/login"}}}})
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
	mux.HandleFunc("/partner/login", func(w http.ResponseWriter, r *http.Request) { // the partner's script
		token, _ := jwtsso.Minter{Secret: []byte(key)}.Mint(jwtsso.Token{Email: "ann@acme.example"})
		q := url.Values{"jwt": {token}, "return_to": {r.URL.Query().Get("return_to")}}
		http.Redirect(w, r, base+"/sso/acme/jwt?"+q.Encode(), http.StatusFound)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "signed in: see the terminal") })
	return mux, err
}
