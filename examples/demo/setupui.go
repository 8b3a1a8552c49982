package main

import (
	"crypto/rand"
	"net/http"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// newSetupUI mounts ssokit's self-serve setup at /setup/: a tenant's
// manager (mia@acme.example, gus@globex.example) edits their tenant's
// connections there after signing in.
func (a *app) newSetupUI(store *sso.MemoryStore) (http.Handler, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return setup.New(setup.Config{
		BaseURL: a.URL + "/setup", SSOBaseURL: a.URL + "/sso", SSO: a.sso, Store: store, LinkKey: key,
		HTTPClient: a.idps.op.Client(), InsecureCookies: true,
		Authorize: func(r *http.Request) (string, bool) {
			s := a.sessions.get(r)
			if s == nil || !s.User.Privileged {
				return "", false
			}
			return s.User.Tenant, true
		},
		Actor: func(r *http.Request) string {
			if s := a.sessions.get(r); s != nil {
				return s.User.Email
			}
			return ""
		},
	})
}
