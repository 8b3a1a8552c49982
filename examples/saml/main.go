// Command saml mounts ssokit's SSO handler with one SAML connection for
// tenant "acme", against a SAML IdP running in this process that signs in
// ann@acme.example. Run it with "go run ./examples/saml".
package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

const addr = "127.0.0.1:8082"

func main() {
	base := "http://" + addr
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ann@acme.example", Attributes: []ssotest.SAMLAttribute{
		{Name: "email", Values: []string{"ann@acme.example"}}, {Name: "name", Values: []string{"Ann Lee"}}}})
	// What an IdP administrator enters for the app: entity ID and ACS URL.
	idp.SPEntityID, idp.ACSURL = base+"/sso/acme/saml/metadata", base+"/sso/acme/saml/acs"
	h, err := newHandler(base, idp.Metadata())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("open %s/sso/acme/login\n", base)
	log.Fatal(http.ListenAndServe(addr, h))
}

// newHandler is the whole integration: one tenant, one connection
// configured from the IdP's metadata (users are created on their first
// login), and the host's session callback.
func newHandler(base string, idpMetadata []byte) (http.Handler, error) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme",
		// The operator vouches for acme.example (tenants prove domains by DNS
		// through package domains); only emails under it may sign in.
		Domains: []sso.TenantDomain{{Name: "acme.example", Verification: sso.VerificationManual, Reason: "example tenant"}},
		Connections: []sso.Connection{{
			Kind: sso.KindSAML, Provisioning: sso.JIT, Parameters: sso.Parameters{MetadataXML: string(idpMetadata)}}}})
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	h, err := sso.New(sso.Config{BaseURL: base + "/sso", StateKey: key, Store: store, Users: sso.NewMemoryUsers(),
		Sessions: sso.SessionFunc(func(w http.ResponseWriter, r *http.Request, res *sso.Result) error {
			log.Printf("signed in: %s (tenant %s)", res.User.Email, res.Tenant) // set your session cookie here
			return nil
		}), InsecureCookies: true}) // plain HTTP on loopback only
	mux := http.NewServeMux()
	mux.Handle("/sso/", h)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "signed in: see the terminal") })
	return mux, err
}
