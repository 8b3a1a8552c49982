package main

import (
	"net/http"
	"slices"
	"strings"
)

// routes mounts the demo's pages and ssokit's handlers on one mux.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /t/{tenant}/login", a.loginPage)
	mux.HandleFunc("POST /t/{tenant}/password", a.passwordLogin)
	mux.HandleFunc("GET /t/{tenant}/domains", a.domainsPage)
	mux.HandleFunc("POST /t/{tenant}/domains/verify", a.verifyDomain)
	mux.HandleFunc("GET /me", a.me)
	mux.HandleFunc("POST /logout", a.logout)
	mux.Handle("/sso/", a.idps.redirectToFrontDoor(a.sso))
	mux.Handle("GET /admin/claims", a.adminOnly(a.sso.DebugHandler()))
	mux.Handle("/scim/v2/", a.scimAPI)
	mux.Handle("/setup/", a.idps.redirectToFrontDoor(a.setupUI)) // test logins go through the front door too
	mux.Handle("GET "+frontDoorPath, a.idps.frontDoor(a.pages))
	mux.HandleFunc("GET "+partnerPath, a.partnerLogin)
	mux.HandleFunc("POST "+partnerPath, a.partnerSignIn)
	return mux
}

// tenantNames are the demo's tenants, in display order.
var tenantNames = []string{"acme", "globex", "initech"}

// knownTenant reports whether the request's {tenant} exists.
func knownTenant(r *http.Request) (string, bool) {
	t := strings.ToLower(r.PathValue("tenant"))
	return t, slices.Contains(tenantNames, t)
}
