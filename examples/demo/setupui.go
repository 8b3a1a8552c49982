package main

import (
	"context"
	"crypto/rand"
	"net/http"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso/setup"
)

// newSetupUI mounts ssokit's self-serve setup at /setup/: a tenant's
// manager (mia@acme.example, gus@globex.example) edits their tenant's
// connections there after signing in.
func (a *app) newSetupUI() (http.Handler, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return setup.New(setup.Config{
		BaseURL: a.URL + "/setup", SSOBaseURL: a.URL + "/sso", SSO: a.sso, Store: a.store, LinkKey: key,
		// The database keeps the changes, SCIM tokens and requests, and
		// its audit log names the manager who made each change.
		SCIMTokens: scimTokens{a.store}, SCIMBaseURL: a.URL + "/scim/v2", SCIMRequests: a.scimRequests,
		ActorContext: sqlstore.ContextWithActor, Audit: storeAudit{a.store},
		// The manager claims and verifies the tenant's email domains on
		// the same pages; logins trust only what is verified here.
		Domains: a.domains,
		// The development IdPs run on loopback, which the default client
		// (public addresses only) would refuse: the demo passes the
		// provider's client, which reaches any address. A production host
		// leaves HTTPClient nil, or sets AllowPrivateNetworks for IdPs on
		// its private network.
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

// scimRequests lists a tenant's latest SCIM requests for the setup pages.
func (a *app) scimRequests(ctx context.Context, tenant string, limit int) ([]setup.SCIMRequest, error) {
	reqs, err := a.store.SCIMRequests(ctx, tenant, limit)
	if err != nil {
		return nil, err
	}
	out := make([]setup.SCIMRequest, len(reqs))
	for i, r := range reqs {
		out[i] = setup.SCIMRequest{At: r.At, Method: r.Method, Path: r.Path, Status: r.Status}
	}
	return out, nil
}
