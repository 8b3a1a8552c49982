package ssotest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Token endpoint client authentication methods understood by
// [OIDCProvider].
const (
	OIDCClientSecretBasic = "client_secret_basic"
	OIDCClientSecretPost  = "client_secret_post"
	OIDCPrivateKeyJWT     = "private_key_jwt"
)

// OIDCUser is a user the provider signs in.
type OIDCUser struct {
	Subject  string
	Email    string
	Name     string
	TenantID string // tid claim (and issuer in multi-tenant mode)
	// Claims are added to the ID token and the userinfo answer (groups,
	// hd, email_verified, preferred_username, _claim_names...).
	Claims map[string]any
	// AccessTokenClaims are added to the JWT access token (scp, roles...).
	AccessTokenClaims map[string]any
}

// OIDCClient is a registered client.
type OIDCClient struct {
	ID           string
	Secret       string
	RedirectURIs []string
	// AuthMethod is the only token endpoint authentication the client may
	// use (OIDCClientSecretBasic, OIDCClientSecretPost or OIDCPrivateKeyJWT); empty
	// allows either secret method.
	AuthMethod string
	// PublicKey verifies client assertions for OIDCPrivateKeyJWT. When
	// Certificate is set instead (or too), its key is used and the
	// assertion's x5t must be its SHA-1 thumbprint, as in Entra ID.
	PublicKey   crypto.PublicKey
	Certificate *x509.Certificate
}

// OIDCProviderConfig configures an [OIDCProvider].
type OIDCProviderConfig struct {
	Clients []OIDCClient
	// Users are the accounts. The authorize endpoint signs in the user whose
	// Email or Subject equals login_hint, else the first user.
	Users []OIDCUser
	// MultiTenant serves Entra ID's multi-tenant shape: discovery at
	// /common/v2.0 announcing the issuer ".../{tenantid}/v2.0", and tokens
	// whose iss carries the user's TenantID.
	MultiTenant bool
	// RotateRefreshTokens issues a new refresh token on each refresh and
	// invalidates the old one (Okta, Entra ID). Reusing a rotated token
	// revokes the whole grant.
	RotateRefreshTokens bool
	// AlwaysIssueRefreshToken issues refresh tokens without offline_access.
	AlwaysIssueRefreshToken bool
	// Token lifetimes (defaults: 1h ID and access token, 24h refresh).
	IDTokenTTL, AccessTokenTTL, RefreshTokenTTL time.Duration
	// Key signs tokens (default: a new RSA-2048 key).
	Key *rsa.PrivateKey
	// Now is the provider's clock (nil: time.Now).
	Now func() time.Time
}

// OIDCProvider is an OpenID provider served over TLS in process, shaped
// like [httptest.Server]: build it with [NewOIDCProvider], call Start, give
// [OIDCProvider.Issuer] and [OIDCProvider.Client] to the code under test,
// and Close it at the end. It is safe for concurrent use.
type OIDCProvider struct {
	// URL is the base URL of the server, set by Start.
	URL string

	cfg    OIDCProviderConfig
	server *httptest.Server

	mu       sync.Mutex
	keys     []*oidcSigningKey // published; the last one signs
	faults   OIDCFaults
	users    map[string]OIDCUser
	codes    map[string]*oidcCodeGrant
	access   map[string]string // access token -> subject
	refresh  map[string]*oidcRefreshGrant
	jtis     map[string]time.Time
	jwksHits int
	rogue    *oidcSigningKey // signs tokens with a key not in the JWKS; made on first use
}

// NewOIDCProvider validates cfg and returns an unstarted provider.
func NewOIDCProvider(cfg OIDCProviderConfig) (*OIDCProvider, error) {
	if len(cfg.Clients) == 0 || len(cfg.Users) == 0 {
		return nil, errors.New("ssotest: OIDCProviderConfig needs at least one client and one user")
	}
	setOIDCDefaults(&cfg)
	p := &OIDCProvider{cfg: cfg, users: map[string]OIDCUser{}, codes: map[string]*oidcCodeGrant{},
		access: map[string]string{}, refresh: map[string]*oidcRefreshGrant{}, jtis: map[string]time.Time{}}
	for _, u := range cfg.Users {
		if u.Subject == "" {
			return nil, errors.New("ssotest: every OIDCUser needs a Subject")
		}
		if cfg.MultiTenant && u.TenantID == "" {
			return nil, errors.New("ssotest: MultiTenant needs a TenantID for every user")
		}
		p.users[u.Subject] = u
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	p.keys = []*oidcSigningKey{oidcNewSigningKey(key, 1)}
	p.server = httptest.NewUnstartedServer(p.handler())
	return p, nil
}

func setOIDCDefaults(c *OIDCProviderConfig) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.IDTokenTTL == 0 {
		c.IDTokenTTL = time.Hour
	}
	if c.AccessTokenTTL == 0 {
		c.AccessTokenTTL = time.Hour
	}
	if c.RefreshTokenTTL == 0 {
		c.RefreshTokenTTL = 24 * time.Hour
	}
}

// Start starts the TLS server.
func (p *OIDCProvider) Start() {
	p.server.StartTLS()
	p.URL = p.server.URL
}

// Close shuts the server down.
func (p *OIDCProvider) Close() { p.server.Close() }

// Client returns an HTTP client that trusts the server's certificate.
func (p *OIDCProvider) Client() *http.Client { return p.server.Client() }

// Issuer returns the discovery URL to configure in the relying party: the
// server URL, or ".../common/v2.0" in multi-tenant mode.
func (p *OIDCProvider) Issuer() string {
	if p.cfg.MultiTenant {
		return p.server.URL + "/common/v2.0"
	}
	return p.server.URL
}

// issuerFor returns the iss of tokens for a user.
func (p *OIDCProvider) issuerFor(u OIDCUser) string {
	if p.cfg.MultiTenant {
		return p.server.URL + "/" + u.TenantID + "/v2.0"
	}
	return p.server.URL
}

// announcedIssuer is the issuer in the discovery document.
func (p *OIDCProvider) announcedIssuer() string {
	if p.cfg.MultiTenant {
		return p.server.URL + "/{tenantid}/v2.0"
	}
	return p.server.URL
}

// TokenURL returns the token endpoint, the audience of client assertions.
func (p *OIDCProvider) TokenURL() string { return p.server.URL + "/token" }

// SetFaults makes the provider answer wrongly from now on (see
// [OIDCFaults]); the zero value restores correct answers.
func (p *OIDCProvider) SetFaults(f OIDCFaults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
}

// RotateKey adds a new signing key, which signs from now on. With
// dropOld, only the new key stays published.
func (p *OIDCProvider) RotateKey(dropOld bool) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := oidcNewSigningKey(key, len(p.keys)+1)
	if dropOld {
		p.keys = nil
	}
	p.keys = append(p.keys, k)
	return nil
}

// JWKSRequests returns how many times the key set was fetched.
func (p *OIDCProvider) JWKSRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.jwksHits
}

// SetUser adds or replaces a user (matched by Subject), for example to
// change its groups before a refresh.
func (p *OIDCProvider) SetUser(u OIDCUser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[u.Subject] = u
}

// RevokeRefreshToken revokes the grant the refresh token belongs to. It
// reports whether the token was known.
func (p *OIDCProvider) RevokeRefreshToken(token string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.refresh[token]
	if ok {
		g.family.revoked = true
	}
	return ok
}

// RevokeUser revokes every refresh token of a user, as deleting the user
// at the provider would.
func (p *OIDCProvider) RevokeUser(subject string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, g := range p.refresh {
		if g.family.subject == subject {
			g.family.revoked = true
		}
	}
}

// RefreshCount returns how many refresh grants succeeded for the grant
// the refresh token belongs to (the original token and all its rotated
// successors share one count).
func (p *OIDCProvider) RefreshCount(token string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g, ok := p.refresh[token]; ok {
		return g.family.count
	}
	return 0
}

func (p *OIDCProvider) client(id string) (OIDCClient, bool) {
	for _, c := range p.cfg.Clients {
		if c.ID == id {
			return c, true
		}
	}
	return OIDCClient{}, false
}

func (p *OIDCProvider) userFor(hint string) (OIDCUser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if hint == "" {
		return p.users[p.cfg.Users[0].Subject], nil
	}
	for _, u := range p.users {
		if u.Email == hint || u.Subject == hint {
			return u, nil
		}
	}
	return OIDCUser{}, fmt.Errorf("no user %q", hint)
}
