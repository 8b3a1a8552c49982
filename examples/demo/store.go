package main

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// startupActor names the demo itself in the store's audit log for the
// changes it makes at start (first import, re-pointing, SCIM tokens).
const startupActor = "demo-startup"

// openStore opens the demo's SQLite database. On the first start (no
// tenants yet) it imports the three demo tenants; on later starts it
// keeps what the admins changed and only re-points the connections that
// still name one of the demo's own development identity providers,
// whose ports and keys are new on every start (see repoint).
func (a *app) openStore(cfg appConfig) error {
	ctx := sqlstore.ContextWithActor(context.Background(), startupActor)
	keys := cfg.Keys
	if keys == nil {
		var err error
		if keys, err = newKeyRing(); err != nil {
			return err
		}
	}
	dsn := cfg.DB
	if dsn == "" {
		dsn = ":memory:"
	}
	store, err := sqlstore.Open(ctx, sqlstore.Config{Dialect: sqlstore.SQLite, DSN: dsn, Keys: keys})
	if err != nil {
		return fmt.Errorf("opening the demo database %s: %w", dsn, err)
	}
	a.store = store
	names, err := store.Tenants(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		if a.JWTSecret, err = jwtsso.GenerateKey(rand.Reader); err != nil {
			return err
		}
		return store.Import(ctx, tenants(a.idps, a.JWTSecret, a.URL+partnerPath)...)
	}
	a.Restarted = true
	return a.repoint(ctx)
}

// newKeyRing is a one-off key ring for a database that lives only as
// long as the process (tests, -db :memory:).
func newKeyRing() (*sqlstore.KeyRing, error) {
	secret := make([]byte, sqlstore.KeySize)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	return sqlstore.NewKeyRing(sqlstore.Key{ID: "demo", Secret: secret})
}

// repoint points the stored connections that still name a development
// identity provider on loopback (or the partner login page of an
// earlier run) at this run's providers. Everything else the admin set
// (names, modes, mappings, rules, other IdPs) is kept. The partner
// connection's shared secret is read back, so the partner login page
// signs with it.
func (a *app) repoint(ctx context.Context) error {
	for _, slug := range tenantNames {
		t, err := a.store.Tenant(ctx, slug)
		if errors.Is(err, sso.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		for _, c := range t.Connections {
			if c.Kind == sso.KindJWT && a.JWTSecret == "" && c.Parameters.SharedSecret != "" {
				a.JWTSecret = c.Parameters.SharedSecret
			}
			if !a.repointConnection(&c) {
				continue
			}
			if _, err := a.store.Put(ctx, slug, c); err != nil {
				return fmt.Errorf("re-pointing %s/%s at this run's development IdP: %w", slug, c.ID, err)
			}
		}
	}
	if a.JWTSecret == "" { // the admin removed the partner connection
		var err error
		a.JWTSecret, err = jwtsso.GenerateKey(rand.Reader)
		return err
	}
	return nil
}

// repointConnection updates c in place and reports whether it changed.
func (a *app) repointConnection(c *sso.Connection) bool {
	p := &c.Parameters
	before := *p
	switch c.Kind {
	case sso.KindOIDC:
		if isLoopback(p.DiscoveryEndpoint) {
			p.DiscoveryEndpoint = a.idps.op.Issuer()
		}
	case sso.KindSAML:
		if isLoopback(p.MetadataURL) {
			p.MetadataURL = a.idps.saml.MetadataURL()
		}
		if p.MetadataXML != "" && isLoopback(metadataEntityID(p.MetadataXML)) {
			p.MetadataXML = string(a.idps.saml.Metadata())
		}
	case sso.KindJWT:
		if isLoopback(p.RemoteLoginURL) {
			p.RemoteLoginURL = a.URL + partnerPath
		}
	}
	return p.DiscoveryEndpoint != before.DiscoveryEndpoint || p.MetadataURL != before.MetadataURL ||
		p.MetadataXML != before.MetadataXML || p.RemoteLoginURL != before.RemoteLoginURL
}

// isLoopback reports whether raw is an absolute URL on a loopback host,
// where only the demo's own providers live.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// metadataEntityID returns the entityID of SAML metadata, or "".
func metadataEntityID(metadata string) string {
	var ed struct {
		EntityID string `xml:"entityID,attr"`
	}
	if xml.Unmarshal([]byte(metadata), &ed) != nil {
		return ""
	}
	return ed.EntityID
}

// recordManualDomains marks the demo tenants' manually verified domains
// (tenants.go) verified in the domain service, as sso.New does for its
// in-memory store: the SQL store keeps domains in the domain service's
// own tables, not with the tenant. Doing it again on a restart changes
// nothing.
func (a *app) recordManualDomains(ctx context.Context) error {
	for _, t := range tenants(a.idps, a.JWTSecret, a.URL+partnerPath) {
		for _, d := range t.Domains {
			if d.Verification != sso.VerificationManual {
				continue
			}
			o := domains.Override{Operator: "sso configuration", Reason: d.Reason}
			if _, err := a.domains.VerifyManually(ctx, t.Slug, d.Name, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// scimTokens adapts the store's labelled SCIM tokens to the setup
// pages' setup.SCIMTokens.
type scimTokens struct{ store *sqlstore.Store }

// RotateSCIMToken replaces the tenant's tokens with a new one.
func (s scimTokens) RotateSCIMToken(ctx context.Context, tenant string) (string, error) {
	tok, _, err := s.store.RotateSCIMToken(ctx, tenant, "setup page")
	return tok, err
}

// RevokeSCIMToken revokes every token of the tenant.
func (s scimTokens) RevokeSCIMToken(ctx context.Context, tenant string) error {
	toks, err := s.store.SCIMTokens(ctx, tenant)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if err := s.store.RevokeSCIMToken(ctx, tenant, t.ID); err != nil {
			return err
		}
	}
	return nil
}

// storeAudit shows the store's own audit log on the setup pages, so the
// list of changes survives a restart too. Changes to connections and
// SCIM tokens go through the store, which records them in the same
// transaction, with the manager as actor (setup.Config.ActorContext);
// Record adds the domain actions, which the store does not see.
type storeAudit struct{ store *sqlstore.Store }

// Record keeps the domain actions (claim, verify, conflict) in the
// store's audit log; the other actions are there already.
func (s storeAudit) Record(ctx context.Context, e setup.AuditEvent) error {
	if e.Domain == "" {
		return nil
	}
	return s.store.RecordAudit(ctx, sqlstore.AuditEvent{Tenant: e.Tenant, Actor: e.Actor, Action: e.Action, Target: e.Domain})
}

// List returns the tenant's latest changes from the store, newest first.
func (s storeAudit) List(ctx context.Context, tenant string, limit int) ([]setup.AuditEvent, error) {
	evs, err := s.store.AuditLog(ctx, tenant, limit)
	if err != nil {
		return nil, err
	}
	out := make([]setup.AuditEvent, len(evs))
	for i, e := range evs {
		out[i] = setup.AuditEvent{Time: e.At, Tenant: e.Tenant, Actor: e.Actor, Action: e.Action,
			Connection: e.Target, Fields: e.Changed}
	}
	return out, nil
}
