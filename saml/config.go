package saml

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/ssokit/ssokit/internal/replay"
)

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultClockSkew        = 90 * time.Second
	DefaultMaxResponseBytes = 256 << 10
	DefaultNameIDFormat     = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
)

// Config configures a ServiceProvider. EntityID, ACSURL and IdP are
// required; everything else has a secure default.
type Config struct {
	// EntityID is this service provider's entity ID (the Audience the IdP
	// must name).
	EntityID string
	// ACSURL is the absolute URL of the assertion consumer service. It is
	// the required Destination and Recipient.
	ACSURL string
	// IdP describes the identity provider: build it with ParseIdPMetadata,
	// FetchIdPMetadata or IdPFromSettings.
	IdP *IdP

	// SigningKey and SigningCert, when set, sign AuthnRequests and are
	// published in SP metadata. SigningKey must be an RSA key.
	SigningKey  crypto.Signer
	SigningCert *x509.Certificate
	// DecryptionKey and DecryptionCert, when set, decrypt EncryptedAssertion
	// elements and are published in SP metadata for encryption.
	DecryptionKey  *rsa.PrivateKey
	DecryptionCert *x509.Certificate

	// NameIDFormat requested in AuthnRequests and published in metadata.
	// Empty means DefaultNameIDFormat.
	NameIDFormat string
	// ClockSkew is the tolerance applied to every time check. Zero means
	// DefaultClockSkew; negative is rejected. At most 10 minutes.
	ClockSkew time.Duration
	// MaxResponseBytes bounds the base64-decoded response. Zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int

	// RequireSignedResponseAndAssertion demands a signature on both the
	// Response and the Assertion. By default a signed Assertion, or a signed
	// Response enclosing it, is enough (an unsigned Assertion in an
	// unsigned Response is always rejected).
	RequireSignedResponseAndAssertion bool
	// InsecureAllowIdPInitiated accepts responses without InResponseTo
	// (IdP-initiated, "unsolicited" login). Such a response cannot be tied
	// to a browser session of ours, so a stolen but unexpired assertion
	// can be replayed into another browser until its ID is remembered by
	// the ReplayCache: never share one across tenants with different
	// caches. Responses WITH an InResponseTo must still name a request ID
	// we issued.
	InsecureAllowIdPInitiated bool

	// InsecureAllowSHA1 accepts signatures whose SignatureMethod or
	// DigestMethod uses SHA-1 (still the default of some older IdPs, ADFS
	// and crewjam/saml among them). SHA-1 collisions are practical; enable
	// this only for an IdP that cannot be switched to SHA-256, and never
	// for all connections at once.
	InsecureAllowSHA1 bool

	// ReplayCache remembers accepted assertion IDs until they expire. Nil
	// means an in-memory cache private to this ServiceProvider; use a
	// shared one when several instances serve the same ACS URL.
	ReplayCache ReplayCache
	// Now tells the time; nil means time.Now.
	Now func() time.Time
	// Rand is the source of request IDs; nil means crypto/rand.Reader.
	Rand io.Reader
}

// ServiceProvider verifies SAML responses from one IdP and starts logins at
// it. It is safe for concurrent use. Create it with New.
type ServiceProvider struct {
	cfg    Config
	skew   time.Duration
	maxLen int
	format string
	now    func() time.Time
	rand   io.Reader
	replay ReplayCache
}

// New validates cfg and returns a ServiceProvider.
func New(cfg Config) (*ServiceProvider, error) {
	if err := validateConfig(&cfg); err != nil {
		return nil, err
	}
	sp := &ServiceProvider{cfg: cfg, skew: cfg.ClockSkew, maxLen: cfg.MaxResponseBytes,
		format: cfg.NameIDFormat, now: cfg.Now, rand: cfg.Rand, replay: cfg.ReplayCache}
	if sp.skew == 0 {
		sp.skew = DefaultClockSkew
	}
	if sp.maxLen == 0 {
		sp.maxLen = DefaultMaxResponseBytes
	}
	if sp.format == "" {
		sp.format = DefaultNameIDFormat
	}
	if sp.now == nil {
		sp.now = time.Now
	}
	if sp.rand == nil {
		sp.rand = rand.Reader
	}
	if sp.replay == nil {
		sp.replay = replay.NewMemory(sp.now)
	}
	return sp, nil
}

func validateConfig(cfg *Config) error {
	if cfg.EntityID == "" {
		return configErr("EntityID is required")
	}
	if err := checkAbsURL("ACSURL", cfg.ACSURL); err != nil {
		return err
	}
	if cfg.IdP == nil {
		return configErr("IdP is required")
	}
	if err := cfg.IdP.validate(); err != nil {
		return err
	}
	if (cfg.SigningKey == nil) != (cfg.SigningCert == nil) {
		return configErr("SigningKey and SigningCert must be set together")
	}
	if cfg.SigningKey != nil {
		if _, ok := cfg.SigningKey.Public().(*rsa.PublicKey); !ok {
			return configErr("SigningKey must be an RSA key")
		}
	}
	if (cfg.DecryptionKey == nil) != (cfg.DecryptionCert == nil) {
		return configErr("DecryptionKey and DecryptionCert must be set together")
	}
	if cfg.ClockSkew < 0 || cfg.ClockSkew > 10*time.Minute {
		return configErr("ClockSkew must be between 0 and 10 minutes")
	}
	if cfg.MaxResponseBytes < 0 {
		return configErr("MaxResponseBytes must not be negative")
	}
	return nil
}

func checkAbsURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return configErr(field + " must be an absolute URL")
	}
	return nil
}

func configErr(msg string) error { return fmt.Errorf("%w: %s", ErrConfig, msg) }

// EntityID returns the service provider's entity ID.
func (sp *ServiceProvider) EntityID() string { return sp.cfg.EntityID }

// ACSURL returns the assertion consumer service URL.
func (sp *ServiceProvider) ACSURL() string { return sp.cfg.ACSURL }

// IdP returns the identity provider this service provider trusts.
func (sp *ServiceProvider) IdP() *IdP { return sp.cfg.IdP }
