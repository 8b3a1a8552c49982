package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
)

// ReplayCache remembers keys (states, assertion IDs, jti values) until
// they expire. One implementation (in memory, or Redis for several
// instances) serves every protocol.
type ReplayCache interface {
	// Seen records key until the given time and reports whether it was
	// already recorded and not yet expired. It must be atomic.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// CatalogFunc returns the tenant's spaces, roles and groups for mapping.
type CatalogFunc func(ctx context.Context, tenant string) (*mapping.Catalog, error)

// Config configures a [Handler].
type Config struct {
	// BaseURL is the absolute external URL where the handler is mounted,
	// e.g. "https://app.example.com/sso". Redirect and ACS URLs are built
	// from it, and its path is stripped from requests that still carry it.
	BaseURL string
	// StateKey is a 32-byte secret; per-connection keys for sealed login
	// states are derived from it. Share it between instances.
	StateKey []byte
	// Store holds the tenants and connections. Nil disables SSO: every
	// tenant answers "not configured" (an empty config path).
	Store ConnectionStore
	// Users is the host's user database. Required.
	Users UserStore
	// Provisioned finds SCIM-provisioned users on their first login
	// (optional; see [SCIMUsers]).
	Provisioned ProvisionedUsers
	// Sessions starts the host's session after a login. Required.
	Sessions SessionStarter
	// Catalog gives each tenant's spaces, roles and groups; nil means an
	// empty catalog (no spaces or groups are mapped).
	Catalog CatalogFunc
	// Memberships enables group and permission sync on login for
	// connections whose GroupSync is strict or additive.
	Memberships groupsync.MembershipStore
	// ReturnTo validates return_to values; nil means [SameOrigin] with the
	// origin of BaseURL.
	ReturnTo ReturnToChecker
	// DefaultReturnTo is where users land without return_to (default "/").
	DefaultReturnTo string
	// ErrorPage renders failed logins; nil uses a plain HTML page.
	ErrorPage ErrorRenderer
	// Logger receives audit events; nil discards them.
	Logger *slog.Logger
	// DebugClaims keeps the claims of the last login of each connection,
	// redacted, for an administrator (see [Handler.LastClaims]); it is the
	// maximum number of connections remembered, 0 to keep nothing.
	DebugClaims int
	// Secrets resolves env: and file: references.
	Secrets Secrets
	// Domains says which tenant has verified which domain: an asserted
	// email links to an account, creates one, or routes a login by
	// home-realm discovery only when its domain is verified for the
	// connection's tenant. Pass a [*domains.Service] (which checks DNS TXT
	// proofs and operators' manual verifications). Nil means an in-memory
	// domains.Service holding only the domains the configuration lists
	// with "verification": "manual": with nothing configured no domain is
	// verified, so first logins fail with domain_not_verified and logins
	// already linked by (issuer, subject) keep working. The
	// configuration's manual domains are recorded at [New] into Domains
	// when it is a *domains.Service (or has its VerifyManually).
	Domains DomainTrust
	// ReplayCache is shared by all protocols; nil means in memory.
	ReplayCache ReplayCache
	// HTTPClient reaches identity providers: SAML metadata URLs, OIDC
	// discovery documents and the key, token and userinfo endpoints they
	// name. Nil means [NewPublicClient], which connects only to public
	// internet addresses, so a tenant admin's URL cannot reach the host's
	// loopback, internal network or cloud metadata service; the refusal
	// is a [*BlockedAddressError]. A client given here is used as is:
	// the host then decides which addresses it may reach.
	HTTPClient *http.Client
	// AllowPrivateNetworks, with HTTPClient nil, uses http.DefaultClient
	// instead, which reaches any address, for identity providers on a
	// private network or on loopback in development. Leave it false when
	// tenant admins who are not the host's operators configure
	// connections.
	AllowPrivateNetworks bool
	// Now is the clock (nil: time.Now); Rand the randomness (nil:
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// InsecureCookies drops the Secure flag of login cookies, for plain
	// HTTP development only. The SAML state cookie then becomes
	// SameSite=Lax, which browsers do not send with the IdP's cross-site
	// POST: SAML logins need HTTPS.
	InsecureCookies bool
}

// Handler is the SSO endpoint set of a host application; see the package
// documentation for its routes. Build it with [New]; it is safe for
// concurrent use.
type Handler struct {
	cfg          Config
	domains      DomainTrust
	base         string // BaseURL without trailing slash
	prefix       string // path of BaseURL
	origin       string // scheme://host[:port] of BaseURL
	mux          *http.ServeMux
	cache        cache
	catalog      *mapping.Catalog
	debug        *debugLog
	compilations atomic.Int64
}

// New validates cfg and returns the handler.
func New(cfg Config) (*Handler, error) {
	var errs []error
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		errs = append(errs, errors.New("sso: BaseURL must be an absolute http(s) URL without query"))
	}
	if len(cfg.StateKey) != 32 {
		errs = append(errs, fmt.Errorf("sso: StateKey must be 32 bytes, got %d", len(cfg.StateKey)))
	}
	if cfg.Users == nil {
		errs = append(errs, errors.New("sso: Users is required"))
	}
	if cfg.Sessions == nil {
		errs = append(errs, errors.New("sso: Sessions is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}
	h.prefix = strings.TrimRight(u.EscapedPath(), "/")
	h.origin = u.Scheme + "://" + u.Host
	h.setDefaults()
	if err := h.setDomains(); err != nil {
		return nil, err
	}
	h.cache.items = map[compiledKey]*compiled{}
	h.catalog, _ = mapping.NewCatalog(mapping.CatalogConfig{})
	h.debug = newDebugLog(cfg.DebugClaims)
	h.routes()
	return h, nil
}

func (h *Handler) setDefaults() {
	c := &h.cfg
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.DefaultReturnTo == "" {
		c.DefaultReturnTo = "/"
	}
	if c.ReturnTo == nil {
		c.ReturnTo = SameOrigin{Origin: h.origin}
	}
	if c.ErrorPage == nil {
		c.ErrorPage = DefaultErrorPage{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ReplayCache == nil {
		c.ReplayCache = newMemoryReplay(c.Now)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultClient(c.AllowPrivateNetworks)
	}
}

// setDomains installs the domain trust source and records the
// configuration's manually verified domains in it.
func (h *Handler) setDomains() error {
	h.domains = h.cfg.Domains
	if h.domains == nil {
		svc, err := domains.New(domains.Config{Now: h.cfg.Now, Rand: h.cfg.Rand})
		if err != nil {
			return err
		}
		h.domains = svc
	}
	return h.recordManualDomains(context.Background())
}

// LaunchURL returns the URL that starts the tenant's SSO login (the
// "launch URL" an admin pastes into the Okta or Entra portal).
func (h *Handler) LaunchURL(tenant string) string {
	return h.base + "/" + url.PathEscape(tenant) + "/login"
}

// Compilations reports how many connection versions were compiled, for
// tests and metrics: it grows once per connection version, not per login.
func (h *Handler) Compilations() int64 { return h.compilations.Load() }
