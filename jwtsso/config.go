package jwtsso

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/ssokit/ssokit/internal/replay"
)

// Defaults and bounds applied by New.
const (
	// DefaultIssuedAtMargin is how far iat may lie from our clock, in either
	// direction, when Config.IssuedAtMargin is zero.
	DefaultIssuedAtMargin = time.Minute
	// MaxIssuedAtMargin is the largest margin New accepts: the document
	// asks for a "small margin", and the margin is also the replay window.
	MaxIssuedAtMargin = 10 * time.Minute
	// DefaultMaxTokenSize bounds the jwt parameter when
	// Config.MaxTokenSize is zero.
	DefaultMaxTokenSize = 8 << 10
	// MaxKeys bounds the number of configured keys, and so the number of
	// keys tried in turn for a token without kid.
	MaxKeys = 8
	// DefaultKeySetRefresh is how long a fetched JWKS is used before it is
	// fetched again, when Config.KeySetRefresh is zero.
	DefaultKeySetRefresh = time.Hour
)

// Config configures a Verifier. The zero value of every optional field is
// the secure choice.
type Config struct {
	// Keys are the active verification keys. Several keys may be active
	// during a rotation; a token naming a kid is checked with that key only,
	// a token without kid with each key of its algorithm in turn.
	Keys []Key

	// KeySetURL, when set, is an https JWKS URL of the partner's public
	// keys (RS256, ES256). It is fetched with HTTPClient on first use,
	// again after KeySetRefresh, and when a token names an unknown kid;
	// never more than once a minute apart from the refresh. If a refetch
	// fails, the keys fetched before stay in use. Symmetric keys in the
	// set are ignored.
	KeySetURL string
	// HTTPClient fetches KeySetURL; nil means http.DefaultClient.
	HTTPClient *http.Client
	// KeySetRefresh is how long a fetched key set is trusted; zero means
	// DefaultKeySetRefresh.
	KeySetRefresh time.Duration

	// Algorithms is the allow-list of JWS algorithms; nil means
	// ["HS256"]. The token's header never widens it. Supported: HS256,
	// HS384, HS512, RS256, ES256. "none" is never accepted.
	Algorithms []string

	// IssuedAtMargin is how far iat may lie from our clock, in either
	// direction; zero means DefaultIssuedAtMargin. It is also how long a jti
	// is remembered.
	IssuedAtMargin time.Duration

	// Issuer, when set, must equal the token's iss claim.
	Issuer string
	// Audience, when set, must be (or be contained in) the token's aud
	// claim.
	Audience string

	// MaxTokenSize bounds the token length in bytes; zero means
	// DefaultMaxTokenSize.
	MaxTokenSize int

	// RemoteLoginURL is the partner's login script, where
	// [Verifier.LoginURL] sends unauthenticated users. Optional.
	RemoteLoginURL string
	// Origin is the tenant's own origin (scheme://host[:port]), the only
	// place [Verifier.ReturnTo] lets a user go back to. Optional; without
	// it ReturnTo rejects everything.
	Origin string

	// ReplayCache remembers accepted jti values; nil means an in-memory
	// cache private to this Verifier. Use a shared cache (the same one the
	// saml package uses) when several instances serve logins.
	ReplayCache ReplayCache

	// Now tells the current time; nil means time.Now.
	Now func() time.Time
}

// New checks cfg and returns a Verifier. It reports every problem it finds
// at once, as a *ConfigError.
func New(cfg Config) (*Verifier, error) {
	cfg = withDefaults(cfg)
	var p problems
	allowed := p.algorithms(cfg.Algorithms)
	keys := p.keys(cfg.Keys, allowed)
	p.check(len(keys) > 0 || cfg.KeySetURL != "", "no Keys and no KeySetURL")
	p.check(cfg.IssuedAtMargin > 0 && cfg.IssuedAtMargin <= MaxIssuedAtMargin,
		fmt.Sprintf("IssuedAtMargin %s outside (0, %s]", cfg.IssuedAtMargin, MaxIssuedAtMargin))
	p.check(cfg.MaxTokenSize > 0 && cfg.MaxTokenSize <= 64<<10, "MaxTokenSize outside (0, 65536]")
	p.check(cfg.KeySetRefresh > 0, "KeySetRefresh must be positive")
	origin := p.origin(cfg.Origin)
	login := p.remoteLogin(cfg.RemoteLoginURL)
	if cfg.KeySetURL != "" {
		p.check(isHTTPSOrLoopback(cfg.KeySetURL), "KeySetURL must be an https URL")
	}
	if len(p) > 0 {
		return nil, &ConfigError{Problems: p}
	}
	v := &Verifier{cfg: cfg, allowed: allowed, keys: keys, origin: origin, login: login, compact: jws.WithCompact()}
	if cfg.KeySetURL != "" {
		v.keySet = &keySet{url: cfg.KeySetURL, client: cfg.HTTPClient, refresh: cfg.KeySetRefresh, allowed: allowed}
	}
	return v, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Algorithms == nil {
		cfg.Algorithms = []string{"HS256"}
	}
	if cfg.IssuedAtMargin == 0 {
		cfg.IssuedAtMargin = DefaultIssuedAtMargin
	}
	if cfg.MaxTokenSize == 0 {
		cfg.MaxTokenSize = DefaultMaxTokenSize
	}
	if cfg.KeySetRefresh == 0 {
		cfg.KeySetRefresh = DefaultKeySetRefresh
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.ReplayCache == nil {
		cfg.ReplayCache = replay.NewMemory(cfg.Now)
	}
	return cfg
}

// problems collects configuration errors.
type problems []string

func (p *problems) check(ok bool, msg string) {
	if !ok {
		*p = append(*p, msg)
	}
}

func (p *problems) origin(s string) *url.URL {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || !isHTTPSOrLoopback(s) || u.User != nil || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" {
		p.check(false, fmt.Sprintf("Origin %q is not an https origin (scheme://host[:port])", s))
		return nil
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}
}

func (p *problems) remoteLogin(s string) *url.URL {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		p.check(false, fmt.Sprintf("RemoteLoginURL %q is not an absolute http(s) URL", s))
		return nil
	}
	return u
}

// isHTTPSOrLoopback accepts https URLs, and http ones on a loopback host
// (local development and tests).
func isHTTPSOrLoopback(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		return h == "localhost" || h == "127.0.0.1" || h == "::1"
	}
	return false
}
