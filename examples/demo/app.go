package main

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

// app is the demo SaaS: its pages, ssokit's SSO handler under /sso/, the
// SCIM server under /scim/v2/ and the development identity providers.
type app struct {
	URL        string // e.g. http://127.0.0.1:8080
	SCIMTokens map[string]string
	JWTSecret  string
	// Restarted says the database already held the tenants: what the
	// admins changed before is kept.
	Restarted bool

	store *sqlstore.Store // tenants, connections, SCIM tokens and resources

	srv      *http.Server
	idps     *devIdPs
	sso      *sso.Handler
	accounts *accounts
	sessions *sessions
	members  *groupsync.MemoryMemberships
	scim     *sqlstore.SCIMStore
	pages    *pages
	scimAPI  http.Handler
	domains  *domains.Service
	setupUI  http.Handler // the self-serve setup pages (setupui.go)
	// stopChecks ends the domains' background checks; checksDone is
	// closed once they have stopped.
	stopChecks context.CancelFunc
	checksDone chan struct{}
}

// appConfig configures newApp.
type appConfig struct {
	// Logger receives ssokit's audit events; nil discards them.
	Logger *slog.Logger
	// Resolver looks up the domains' TXT proofs. Nil means the system
	// resolver; tests inject one so that they need no network.
	Resolver domains.Resolver
	// DB is the SQLite database file; "" (or ":memory:") keeps
	// everything in memory for the life of the process.
	DB string
	// Keys seal the connections' secrets in the database; nil generates
	// a key for this process only (fine for an in-memory database).
	Keys *sqlstore.KeyRing
}

// newApp starts the demo on l.
func newApp(l net.Listener, cfg appConfig) (*app, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &app{URL: "http://" + l.Addr().String(), sessions: newSessions(),
		members: groupsync.NewMemoryMemberships("platform-team", "finance")}
	var err error
	if a.pages, err = newPages(); err != nil {
		return nil, err
	}
	if a.accounts, err = newAccounts(); err != nil {
		return nil, err
	}
	if a.idps, err = startDevIdPs(a.URL+"/sso", a.URL+"/setup"); err != nil {
		return nil, err
	}
	if err = a.setUp(cfg); err != nil {
		a.idps.Close()
		if a.store != nil {
			a.store.Close()
		}
		return nil, err
	}
	a.srv = &http.Server{Handler: a.routes()}
	go a.srv.Serve(l)
	return a, nil
}

// setUp builds the domain service and the SSO and SCIM handlers.
func (a *app) setUp(cfg appConfig) error {
	if err := a.openStore(cfg); err != nil {
		return err
	}
	a.scim = a.store.SCIM()
	// One domain service, kept in the database, holds every tenant's
	// domains; the domains page shows them.
	var err error
	a.domains, err = domains.New(domains.Config{Store: a.store.Domains(), Resolver: cfg.Resolver,
		LookupTimeout: verifyTimeout, OnEvent: a.auditDomainEvent})
	if err != nil {
		return err
	}
	if err := a.recordManualDomains(context.Background()); err != nil {
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
		BaseURL: a.URL + "/sso", StateKey: stateKey, Store: a.store, Users: a.accounts,
		Provisioned: sso.SCIMUsers{Store: a.scim}, Sessions: a.sessions, Catalog: catalog,
		Memberships: a.members, DefaultReturnTo: "/me", Logger: cfg.Logger, DebugClaims: 16,
		Domains:         a.domains,
		HTTPClient:      a.idps.op.Client(), // trusts the development provider's certificate and reaches loopback
		InsecureCookies: true,               // the demo serves plain HTTP on loopback
	})
	if err != nil {
		return err
	}
	if err := a.claimPendingDomains(); err != nil {
		return err
	}
	if a.setupUI, err = a.newSetupUI(); err != nil {
		return err
	}
	if err := a.setUpSCIM(); err != nil {
		return err
	}
	a.startDomainChecks(cfg.Logger)
	return nil
}

// setUpSCIM mints one SCIM bearer token per tenant on every start
// (replacing the previous ones: the store keeps only their digests, so
// the demo could not print an older token again).
func (a *app) setUpSCIM() error {
	ctx := sqlstore.ContextWithActor(context.Background(), startupActor)
	a.SCIMTokens = map[string]string{}
	for _, t := range tenantNames {
		tok, _, err := a.store.RotateSCIMToken(ctx, t, "demo start")
		if err != nil {
			return err
		}
		a.SCIMTokens[t] = tok
	}
	h, err := scim.New(scim.Config{Authenticator: a.store, Store: a.scim, BaseURL: a.URL + "/scim/v2"})
	if err != nil {
		return err
	}
	a.scimAPI = a.store.SCIMRequestLogger(h)
	return nil
}

// Close stops the demo and its identity providers.
func (a *app) Close() error {
	err := a.srv.Close()
	a.stopChecks()
	<-a.checksDone
	a.idps.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, a.store.Close())
}
