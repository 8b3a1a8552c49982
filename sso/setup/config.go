package setup

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ssokit/ssokit/sso"
)

// Store is where the setup handler reads and writes a tenant's
// connections. *sso.MemoryStore satisfies it, and so does the reference
// SQL store.
type Store interface {
	sso.ConnectionStore
	// Put creates (c.Version 0) or replaces (c.Version the version read)
	// a connection and returns the new version; a stale version gives an
	// error wrapping sso.ErrConflict.
	Put(ctx context.Context, tenant string, c sso.Connection) (int64, error)
}

// Deleter is implemented by stores that can delete a connection under
// optimistic concurrency. Without it the API answers 501 to DELETE.
type Deleter interface {
	DeleteConnection(ctx context.Context, tenant, id string, version int64) error
}

// SCIMTokens issues a tenant's SCIM bearer token. The plaintext is
// returned once and never stored; see [MemorySCIMTokens].
type SCIMTokens interface {
	// RotateSCIMToken mints a token for the tenant, replacing the
	// previous one, and returns it.
	RotateSCIMToken(ctx context.Context, tenant string) (string, error)
	// RevokeSCIMToken revokes the tenant's tokens.
	RevokeSCIMToken(ctx context.Context, tenant string) error
}

// Config configures a Handler.
type Config struct {
	// BaseURL is the absolute external URL where the setup handler is
	// mounted, e.g. "https://app.example.com/admin/sso-setup". Setup
	// links and cookie paths are built from it.
	BaseURL string
	// SSOBaseURL is the sso.Config.BaseURL of the host's SSO handler; the
	// ACS URL, entity ID and redirect URIs shown to the admin derive
	// from it. Required.
	SSOBaseURL string
	// SSO, when set, runs the test expressions ("Run") and shows the
	// claims of the last login of each connection.
	SSO *sso.Handler
	// Store holds the connections. Required.
	Store Store
	// SCIMTokens issues SCIM tokens; nil hides the SCIM section.
	SCIMTokens SCIMTokens
	// Domains, when set, adds the domains section: the tenant claims
	// its email domains and proves them with a DNS TXT record (pass the
	// *domains.Service given to sso.Config.Domains). Nil hides it.
	Domains Domains
	// SCIMBaseURL is shown to the admin for the IdP's provisioning
	// settings, e.g. "https://app.example.com/scim/v2".
	SCIMBaseURL string
	// SCIMRequests, when set, lists the tenant's latest SCIM requests,
	// newest first, for the SCIM section (adapt sqlstore's
	// Store.SCIMRequests).
	SCIMRequests func(ctx context.Context, tenant string, limit int) ([]SCIMRequest, error)
	// Authorize says which tenant a request authenticated by the host
	// may edit. Nil means only setup links grant access.
	Authorize func(r *http.Request) (tenant string, ok bool)
	// Actor names who made a change, for the audit log; nil (or an
	// empty result) records "setup-link" or "host-admin".
	Actor func(r *http.Request) string
	// ActorContext, when set, puts the actor into the context of every
	// store call, e.g. sqlstore.ContextWithActor so the store's own audit
	// log names who changed what.
	ActorContext func(ctx context.Context, actor string) context.Context
	// LinkKey signs setup links and CSRF tokens: at least 32 bytes.
	LinkKey []byte
	// Audit records changes; nil keeps the last 200 per tenant in
	// memory.
	Audit AuditLog
	// Secrets resolves env: and file: references already in the store
	// while validating. Values submitted through setup may not be
	// references.
	Secrets sso.Secrets
	// HTTPClient reaches the identity providers an admin configures: SAML
	// metadata URLs (certificate warnings on save, test logins) and OIDC
	// discovery, key, token and userinfo endpoints (test logins). Nil
	// means sso.NewPublicClient, which connects only to public internet
	// addresses: an admin's URL cannot make the server reach its
	// loopback, internal network or cloud metadata service, and the
	// admin is told so. A client given here is used as is: the host then
	// decides which addresses it may reach.
	HTTPClient *http.Client
	// AllowPrivateNetworks, with HTTPClient nil, uses http.DefaultClient
	// instead, which reaches any address, for identity providers on a
	// private network or on loopback in development.
	AllowPrivateNetworks bool
	// Now is the clock (nil: time.Now); Rand the randomness (nil:
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// InsecureCookies drops the Secure flag of the setup cookies, for
	// plain HTTP development only.
	InsecureCookies bool
}

// Handler serves the setup pages and JSON API. Build it with [New]; it
// is safe for concurrent use.
type Handler struct {
	cfg     Config
	base    string // BaseURL without trailing slash
	prefix  string // path of BaseURL
	ssoBase string
	mux     *http.ServeMux
	mu      sync.Mutex // serialises read-modify-write of one handler
	results results
}

// ErrConfig is wrapped by every error of [New].
var ErrConfig = errors.New("setup: invalid configuration")

// New validates cfg and builds a Handler.
func New(cfg Config) (*Handler, error) {
	bad := func(format string, a ...any) (*Handler, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...)
	}
	if cfg.Store == nil {
		return bad("Store is required")
	}
	if len(cfg.LinkKey) < 32 {
		return bad("LinkKey must be at least 32 bytes, got %d", len(cfg.LinkKey))
	}
	base, err := absURL(cfg.BaseURL)
	if err != nil {
		return bad("BaseURL: %v", err)
	}
	ssoBase, err := absURL(cfg.SSOBaseURL)
	if err != nil {
		return bad("SSOBaseURL: %v", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Audit == nil {
		cfg.Audit = NewMemoryAudit(200)
	}
	if cfg.HTTPClient == nil && cfg.AllowPrivateNetworks {
		cfg.HTTPClient = http.DefaultClient
	} else if cfg.HTTPClient == nil {
		cfg.HTTPClient = sso.NewPublicClient()
	}
	u, _ := url.Parse(base)
	h := &Handler{cfg: cfg, base: base, prefix: u.Path, ssoBase: ssoBase}
	h.routes()
	return h, nil
}

func absURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL", s)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%q: scheme must be http or https", s)
	}
	return strings.TrimSuffix(s, "/"), nil
}

// ServeHTTP serves the setup routes; the BaseURL's path may be on the
// request or stripped by http.StripPrefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.prefix != "" && (r.URL.Path == h.prefix || strings.HasPrefix(r.URL.Path, h.prefix+"/")) {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimPrefix(r.URL.Path, h.prefix)
		u.RawPath = ""
		if u.Path == "" {
			u.Path = "/"
		}
		r2.URL = &u
		r = r2
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// SCIMRequest is one provisioning request the IdP made, with its outcome.
type SCIMRequest struct {
	At     time.Time `json:"at"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Status int       `json:"status"`
}
