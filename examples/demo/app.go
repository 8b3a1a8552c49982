package main

import (
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sso"
)

// app is the demo SaaS: its pages, ssokit's SSO handler under /sso/, the
// SCIM server under /scim/v2/ and the development identity providers.
type app struct {
	URL        string // e.g. http://127.0.0.1:8080
	SCIMTokens map[string]string
	JWTSecret  string

	srv      *http.Server
	idps     *devIdPs
	sso      *sso.Handler
	accounts *accounts
	sessions *sessions
	members  *groupsync.MemoryMemberships
	scim     *scim.MemoryStore
	pages    *pages
	scimAPI  http.Handler
	domains  *domains.Service
	setupUI  http.Handler // the self-serve setup pages (setupui.go)
}

// appConfig configures newApp.
type appConfig struct {
	// Logger receives ssokit's audit events; nil discards them.
	Logger *slog.Logger
	// Resolver looks up the domains' TXT proofs. Nil means the system
	// resolver; tests inject one so that they need no network.
	Resolver domains.Resolver
}

// newApp starts the demo on l.
func newApp(l net.Listener, cfg appConfig) (*app, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &app{URL: "http://" + l.Addr().String(), sessions: newSessions(), scim: scim.NewMemoryStore(),
		members: groupsync.NewMemoryMemberships("platform-team", "finance")}
	var err error
	if a.pages, err = newPages(); err != nil {
		return nil, err
	}
	if a.accounts, err = newAccounts(); err != nil {
		return nil, err
	}
	if a.idps, err = startDevIdPs(a.URL + "/sso"); err != nil {
		return nil, err
	}
	if err = a.setUp(cfg); err != nil {
		a.idps.Close()
		return nil, err
	}
	a.srv = &http.Server{Handler: a.routes()}
	go a.srv.Serve(l)
	return a, nil
}

// setUp builds the domain service and the SSO and SCIM handlers.
func (a *app) setUp(cfg appConfig) error {
	var err error
	// One domain service holds every tenant's domains: sso.New records the
	// tenants' manual domains into it, and the domains page shows them.
	if a.domains, err = domains.New(domains.Config{Resolver: cfg.Resolver, LookupTimeout: verifyTimeout}); err != nil {
		return err
	}
	if a.JWTSecret, err = jwtsso.GenerateKey(rand.Reader); err != nil {
		return err
	}
	store, err := sso.NewMemoryStore(sso.Secrets{}, tenants(a.idps, a.JWTSecret, a.URL+partnerPath)...)
	if err != nil {
		return err
	}
	catalog, err := newCatalog()
	if err != nil {
		return err
	}
	stateKey := make([]byte, 32)
	if _, err := rand.Read(stateKey); err != nil {
		return err
	}
	a.sso, err = sso.New(sso.Config{
		BaseURL: a.URL + "/sso", StateKey: stateKey, Store: store, Users: a.accounts,
		Provisioned: sso.SCIMUsers{Store: a.scim}, Sessions: a.sessions, Catalog: catalog,
		Memberships: a.members, DefaultReturnTo: "/me", Logger: cfg.Logger, DebugClaims: 16,
		Domains:         a.domains,
		HTTPClient:      a.idps.op.Client(), // trusts the development provider's certificate
		InsecureCookies: true,               // the demo serves plain HTTP on loopback
	})
	if err != nil {
		return err
	}
	if err := a.claimPendingDomains(); err != nil {
		return err
	}
	if a.setupUI, err = a.newSetupUI(store); err != nil {
		return err
	}
	return a.setUpSCIM()
}

// setUpSCIM mints one SCIM bearer token per tenant.
func (a *app) setUpSCIM() error {
	tokens := scim.NewTokenSet()
	a.SCIMTokens = map[string]string{}
	for _, t := range []string{"acme", "globex", "initech"} {
		tok, err := scim.NewToken(rand.Reader)
		if err != nil {
			return err
		}
		tokens.Add(t, scim.HashToken(tok))
		a.SCIMTokens[t] = tok
	}
	h, err := scim.New(scim.Config{Authenticator: tokens, Store: a.scim, BaseURL: a.URL + "/scim/v2"})
	if err != nil {
		return err
	}
	a.scimAPI = h
	return nil
}

// Close stops the demo and its identity providers.
func (a *app) Close() error {
	err := a.srv.Close()
	a.idps.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
