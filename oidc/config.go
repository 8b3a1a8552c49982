package oidc

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ssokit/ssokit/internal/replay"
)

// AuthMethod is how the client authenticates at the token endpoint.
type AuthMethod int

const (
	// ClientSecretBasic sends client_id and client_secret in the HTTP Basic
	// Authorization header. It is the default.
	ClientSecretBasic AuthMethod = iota
	// ClientSecretPost sends client_id and client_secret as form parameters.
	ClientSecretPost
	// PrivateKeyJWT sends a client assertion signed with Config.PrivateKey
	// (RFC 7523, OpenID Connect Core section 9).
	PrivateKeyJWT
)

// String returns the name used in discovery documents.
func (m AuthMethod) String() string {
	switch m {
	case ClientSecretBasic:
		return "client_secret_basic"
	case ClientSecretPost:
		return "client_secret_post"
	case PrivateKeyJWT:
		return "private_key_jwt"
	}
	return fmt.Sprintf("AuthMethod(%d)", int(m))
}

// wellKnownPath is the discovery document's path below the issuer.
const wellKnownPath = "/.well-known/openid-configuration"

// defaultScopes are requested when Config.Scopes is empty.
func defaultScopes() []string { return []string{"openid", "profile", "email"} }

// Defaults for the zero values of Config.
const (
	DefaultStateTTL  = 10 * time.Minute
	DefaultClockSkew = 2 * time.Minute
)

// isAsymmetricAlg reports whether alg is a JWS algorithm an ID token may
// use. Symmetric algorithms (HS256...) and "none" are never accepted.
func isAsymmetricAlg(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA":
		return true
	}
	return false
}

// ReplayCache remembers keys (here: state identifiers) until they expire.
type ReplayCache interface {
	// Seen records key until the given time and reports whether it was
	// already recorded and not yet expired. It must be atomic.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// Config configures a relying party for one OpenID provider and client.
type Config struct {
	// Issuer is the discovery endpoint: the issuer URL whose
	// /.well-known/openid-configuration is fetched (that suffix may be
	// included), e.g.
	// "https://accounts.google.com" or
	// "https://login.microsoftonline.com/{tenant}/v2.0". Entra ID's
	// multi-tenant endpoints (common, organizations) announce the issuer
	// template ".../{tenantid}/v2.0"; see TenantID.
	Issuer string
	// ClientID and ClientSecret identify the client. The secret is not used
	// with PrivateKeyJWT.
	ClientID     string
	ClientSecret string
	// AuthMethod selects the token endpoint authentication.
	AuthMethod AuthMethod
	// PrivateKey signs client assertions for PrivateKeyJWT. It must be an
	// RSA key of at least 2048 bits; any crypto.Signer (HSM, KMS) works.
	PrivateKey crypto.Signer
	// Certificate is the certificate uploaded to the provider for
	// PrivateKey. When set, its SHA-1 thumbprint is sent as x5t and as the
	// default kid, as Entra ID requires.
	Certificate *x509.Certificate
	// KeyID overrides the kid header of client assertions.
	KeyID string
	// RedirectURL is the callback URL registered at the provider.
	RedirectURL string
	// Scopes replaces the default "openid profile email". "openid" is
	// always sent.
	Scopes []string
	// CustomScopes are extra space-delimited scopes added to Scopes.
	CustomScopes string
	// OfflineAccess adds the offline_access scope, asking for a refresh
	// token for background sync.
	OfflineAccess bool
	// FetchUserInfo calls the userinfo endpoint after each login and
	// refresh, and checks its sub against the ID token.
	FetchUserInfo bool
	// TenantID pins an Entra ID tenant: the token's tid must equal it. With
	// an issuer template ({tenantid}) it is required unless
	// InsecureAnyTenant is set.
	TenantID string
	// InsecureAnyTenant accepts tokens from every Entra ID tenant when the
	// issuer is a {tenantid} template. Anyone with a Microsoft account can
	// then sign in; the host MUST then authorize users by tid itself.
	InsecureAnyTenant bool
	// HostedDomain is sent as Google's hd parameter and, when set, the ID
	// token's hd claim must equal it.
	HostedDomain string
	// SigningAlgorithms restricts the ID token algorithms. The default is
	// the asymmetric algorithms the provider announces, or RS256. Symmetric
	// algorithms and "none" are refused.
	SigningAlgorithms []string
	// StateKey is the 32-byte AES-256 key sealing the login state. Share it
	// between instances behind one load balancer.
	StateKey []byte
	// StateTTL bounds the time between the redirect and the callback
	// (default DefaultStateTTL).
	StateTTL time.Duration
	// ClockSkew is tolerated on exp and iat (default DefaultClockSkew).
	ClockSkew time.Duration
	// ReplayCache rejects a state used twice. Nil means an in-memory cache,
	// which is enough for a single instance.
	ReplayCache ReplayCache
	// InsecureSkipStateCookie accepts a callback without the browser-bound
	// copy of the state (Callback.Cookie). Without it a login can be forced
	// on a victim's browser (login CSRF); use only where the state travels
	// in a cookie by other means.
	InsecureSkipStateCookie bool
	// HTTPClient is used for every request to the provider (nil:
	// http.DefaultClient). Response bodies are limited to 1 MiB.
	HTTPClient *http.Client
	// Now returns the current time (nil: time.Now).
	Now func() time.Time
	// Rand is the source of nonces, PKCE verifiers, state encryption nonces
	// and assertion IDs (nil: crypto/rand.Reader).
	Rand io.Reader
}

// RP is an OpenID Connect relying party for one provider and client. It is
// safe for concurrent use. Build it with [New].
type RP struct {
	cfg    Config
	scopes []string
	sealer *sealer
	disc   *discoverer
}

// New validates cfg, fills defaults and returns a relying party. It does no
// I/O: the discovery document is fetched on first use and cached.
func New(cfg Config) (*RP, error) {
	cfg.Issuer = strings.TrimSuffix(cfg.Issuer, wellKnownPath) // accept a full discovery document URL
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	s, err := newSealer(cfg.StateKey, stateAAD(cfg))
	if err != nil {
		return nil, err
	}
	rp := &RP{cfg: cfg, scopes: buildScopes(cfg), sealer: s}
	rp.disc = newDiscoverer(rp)
	return rp, nil
}

func (c *Config) setDefaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.StateTTL == 0 {
		c.StateTTL = DefaultStateTTL
	}
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.ReplayCache == nil {
		c.ReplayCache = replay.NewMemory(c.Now)
	}
}

func (c *Config) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf("oidc: config: "+format, args...)) }
	if err := checkURL(c.Issuer); err != nil {
		add("Issuer: %v", err)
	}
	if err := checkURL(c.RedirectURL); err != nil {
		add("RedirectURL: %v", err)
	}
	if c.ClientID == "" {
		add("ClientID is required")
	}
	switch c.AuthMethod {
	case ClientSecretBasic, ClientSecretPost:
		if c.ClientSecret == "" {
			add("ClientSecret is required for %v", c.AuthMethod)
		}
	case PrivateKeyJWT:
		if err := checkSigningKey(c.PrivateKey); err != nil {
			add("PrivateKey: %v", err)
		}
	default:
		add("unknown AuthMethod %d", int(c.AuthMethod))
	}
	if len(c.StateKey) != 32 {
		add("StateKey must be 32 bytes, got %d", len(c.StateKey))
	}
	if c.StateTTL < 0 || c.ClockSkew < 0 || c.ClockSkew > 10*time.Minute {
		add("StateTTL must be positive and ClockSkew within 0..10m")
	}
	for _, a := range c.SigningAlgorithms {
		if !isAsymmetricAlg(a) {
			add("SigningAlgorithms: %q is not an asymmetric JWS algorithm", a)
		}
	}
	if strings.ContainsAny(c.Issuer, "{}") {
		add("Issuer must be the discovery URL, not an issuer template")
	}
	return errors.Join(errs...)
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

func checkSigningKey(k crypto.Signer) error {
	if k == nil {
		return errors.New("required for private_key_jwt")
	}
	pub, ok := k.Public().(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("must be an RSA key, got %T", k.Public())
	}
	if pub.N.BitLen() < 2048 {
		return fmt.Errorf("RSA key of %d bits is too small (minimum 2048)", pub.N.BitLen())
	}
	return nil
}

// buildScopes returns the scopes to request: Scopes (or the default),
// CustomScopes and offline_access, with openid first and no duplicates.
func buildScopes(c Config) []string {
	base := c.Scopes
	if len(base) == 0 {
		base = defaultScopes()
	}
	out := []string{"openid"}
	all := append(slices.Clone(base), strings.Fields(c.CustomScopes)...)
	if c.OfflineAccess {
		all = append(all, "offline_access")
	}
	for _, s := range all {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Scopes returns the scopes this relying party requests.
func (rp *RP) Scopes() []string { return slices.Clone(rp.scopes) }
