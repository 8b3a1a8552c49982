package main

import (
	"net/http"
	"net/url"

	"github.com/ssokit/ssokit/jwtsso"
)

// partnerPath is initech's own login page, played by the demo: in IT
// Glue's JWT model the customer runs this script on its own site, signs
// in the user its own way and sends the browser back with a token signed
// with the shared SSO key.
const partnerPath = "/partner/initech/login"

type partnerData struct {
	ReturnTo string
	Emails   []string
}

func (a *app) partnerLogin(w http.ResponseWriter, r *http.Request) {
	a.pages.render(w, http.StatusOK, "partner.html", partnerData{ReturnTo: r.URL.Query().Get("return_to"),
		Emails: []string{"erin@initech.example", "nobody@initech.example"}})
}

// partnerSignIn mints the login token, as the partner's script would,
// and sends the browser to the tenant's JWT endpoint.
func (a *app) partnerSignIn(w http.ResponseWriter, r *http.Request) {
	token, err := jwtsso.Minter{Secret: []byte(a.JWTSecret)}.Mint(jwtsso.Token{Email: r.PostFormValue("email")})
	if err != nil {
		http.Error(w, "could not sign the token", http.StatusBadRequest)
		return
	}
	q := url.Values{"jwt": {token}}
	if rt := r.PostFormValue("return_to"); rt != "" {
		q.Set("return_to", rt)
	}
	http.Redirect(w, r, a.URL+"/sso/initech/jwt?"+q.Encode(), http.StatusSeeOther)
}

// adminOnly lets through only a signed-in manager of the tenant named by
// the "tenant" query parameter, for ssokit's claims troubleshooting view.
func (a *app) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := a.sessions.get(r)
		if s == nil || !s.User.Privileged || s.User.Tenant != r.URL.Query().Get("tenant") {
			http.Error(w, "sign in as a manager of this tenant first", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
