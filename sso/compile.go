package sso

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"net/url"
	"sync"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
)

// claimMappingKeys are the keys of Parameters.ClaimMapping, each setting
// one mapping.Rules field.
var claimMappingKeys = map[string]func(*mapping.Rules, string){
	"email":      func(r *mapping.Rules, v string) { r.Email = v },
	"name":       func(r *mapping.Rules, v string) { r.Name = v },
	"givenName":  func(r *mapping.Rules, v string) { r.GivenName = v },
	"familyName": func(r *mapping.Rules, v string) { r.FamilyName = v },
	"groups":     func(r *mapping.Rules, v string) { r.Groups = v },
	"spaceName":  func(r *mapping.Rules, v string) { r.SpaceName = v },
	"spaceRole":  func(r *mapping.Rules, v string) { r.SpaceRole = v },
	"timezone":   func(r *mapping.Rules, v string) { r.Timezone = v },
}

// compileRules builds the connection's mapper.
func compileRules(c *Connection) (*mapping.Mapper, error) {
	// Partner JWTs carry only the email (IT Glue), so their name is optional.
	r := mapping.Rules{EmailPattern: c.EmailPattern, NameOptional: c.Mapping.NameOptional || c.Kind == KindJWT}
	for k, v := range c.Parameters.ClaimMapping {
		if set, ok := claimMappingKeys[k]; ok {
			set(&r, v)
		}
	}
	for _, pr := range c.Mapping.Permissions {
		r.Permissions = append(r.Permissions, mapping.PermissionRule{Group: pr.Group, Permissions: pr.Permissions})
	}
	return mapping.Compile(r)
}

// compiled is the ready-to-use state of one connection version.
type compiled struct {
	tenant string
	conn   Connection
	mapper *mapping.Mapper
	policy *policy.Policy // nil without test expressions
	sync   groupsync.Mode
	rp     *oidc.RP // OIDC kinds
	// groupsPath reads the raw group ids for the audit log.
	groupsPath *mapping.Path
	proto      any // other protocol verifiers, by kind
}

// key identifies a compiled connection version.
type compiledKey struct {
	tenant, id string
}

// cache holds compiled connections by (tenant, id), replaced when the
// version changes. Its size is bounded by the number of connections.
type cache struct {
	mu    sync.Mutex
	items map[compiledKey]*compiled
}

// compiledFor returns the compiled state of c, building it once per
// version. Building happens outside the lock, so a slow metadata fetch of
// one connection does not hold up logins through the others.
func (h *Handler) compiledFor(ctx context.Context, tenant string, c Connection) (*compiled, error) {
	k := compiledKey{tenant, c.connectionID()}
	h.cache.mu.Lock()
	cc, ok := h.cache.items[k]
	h.cache.mu.Unlock()
	if ok && cc.conn.Version == c.Version {
		return cc, nil
	}
	cc, err := h.compile(ctx, tenant, c)
	if err != nil {
		return nil, err
	}
	h.compilations.Add(1)
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if old, ok := h.cache.items[k]; ok && old.conn.Version == cc.conn.Version {
		return old, nil // a concurrent login stored this version
	}
	h.cache.items[k] = cc
	return cc, nil
}

// compile validates and builds a connection. Protocol verifiers do no I/O
// here.
func (h *Handler) compile(ctx context.Context, tenant string, c Connection) (*compiled, error) {
	c.normalize()
	if probs := validateConnection("$["+fmt.Sprintf("%q", tenant)+"]."+c.ID, &c, h.cfg.Secrets); len(probs) > 0 {
		return nil, &ConfigError{Problems: probs}
	}
	m, err := compileRules(&c)
	if err != nil {
		return nil, err
	}
	cc := &compiled{tenant: tenant, conn: c, mapper: m}
	if len(c.TestExpressions) > 0 {
		if cc.policy, err = policy.Compile(c.TestExpressions, policy.Options{}); err != nil {
			return nil, err
		}
	}
	cc.sync, _ = groupsync.ParseMode(c.GroupSync)
	gp := c.Parameters.ClaimMapping["groups"]
	if gp == "" {
		gp = "groups"
	}
	if p, err := mapping.ParsePath(gp); err == nil {
		cc.groupsPath = &p
	}
	switch {
	case c.Kind.IsOIDC():
		cc.rp, err = h.newRP(tenant, &c)
	case c.Kind == KindSAML:
		cc.proto, err = h.samlSP(ctx, tenant, &c)
	case c.Kind == KindJWT:
		cc.proto, err = h.jwtVerifier(&c)
	}
	if err != nil {
		return nil, err
	}
	return cc, nil
}

// connectionKey derives a per-connection key from the handler's state key,
// so that a state sealed for one connection cannot be opened by another.
func (h *Handler) connectionKey(tenant, id, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, h.cfg.StateKey, nil, "ssokit sso "+purpose+"\x00"+tenant+"\x00"+id, 32)
}

func (h *Handler) newRP(tenant string, c *Connection) (*oidc.RP, error) {
	key, err := h.connectionKey(tenant, c.ID, "oidc state")
	if err != nil {
		return nil, err
	}
	cfg, err := OIDCConfig(c, h.cfg.Secrets)
	if err != nil {
		return nil, err
	}
	cfg.RedirectURL, cfg.StateKey, cfg.ReplayCache = h.callbackURL(tenant, c.ID), key, h.cfg.ReplayCache
	cfg.HTTPClient, cfg.Now, cfg.Rand = h.cfg.HTTPClient, h.cfg.Now, h.cfg.Rand
	return oidc.New(cfg)
}

// OIDCConfig is the oidc configuration an OpenID Connect connection's
// logins use: issuer, client, scopes, tenant pins (tid, hd) and client
// authentication, with the client secret or private key resolved through
// secrets. The caller adds the redirect URL, state key, replay cache,
// HTTP client, clock and randomness. The handler builds its relying
// parties from it, and so does the setup package's test login, so both
// judge a login by the same rules.
func OIDCConfig(c *Connection, secrets Secrets) (oidc.Config, error) {
	p := &c.Parameters
	cfg := oidc.Config{Issuer: p.DiscoveryEndpoint, ClientID: p.ClientID, Scopes: p.Scopes,
		CustomScopes: p.CustomScopes, OfflineAccess: p.OfflineAccess, FetchUserInfo: p.FetchUserInfo,
		TenantID: p.TenantID, HostedDomain: p.HostedDomain}
	var err error
	switch p.AuthMethod {
	case "client_secret_post":
		cfg.AuthMethod = oidc.ClientSecretPost
	case "private_key_jwt":
		cfg.AuthMethod = oidc.PrivateKeyJWT
		pem, err := secrets.Resolve(p.PrivateKey)
		if err != nil {
			return oidc.Config{}, err
		}
		if cfg.PrivateKey, cfg.Certificate, err = oidc.ParsePrivateKey([]byte(pem), ""); err != nil {
			return oidc.Config{}, err
		}
		return cfg, nil
	}
	if cfg.ClientSecret, err = secrets.Resolve(p.ClientSecret); err != nil {
		return oidc.Config{}, err
	}
	return cfg, nil
}

// callbackURL is the OIDC redirect URL of a connection.
func (h *Handler) callbackURL(tenant, id string) string {
	return h.base + "/" + url.PathEscape(tenant) + "/oidc/callback/" + url.PathEscape(id)
}

// stateConnection is the connection name sealed in login states.
func stateConnection(tenant, id string) string { return tenant + "/" + id }
