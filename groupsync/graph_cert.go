package groupsync

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"golang.org/x/oauth2/clientcredentials"
)

// assertionType is RFC 7523's client assertion type.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionSigner mints the short-lived client assertions of Entra ID
// certificate credentials, signed with jwx.
type assertionSigner struct {
	base        clientcredentials.Config
	key         crypto.Signer
	x5t, x5t256 string
	rand        io.Reader
}

func newAssertionSigner(cfg GraphConfig, cc *clientcredentials.Config) (*assertionSigner, error) {
	if cfg.Certificate == nil {
		return nil, nil
	}
	if cfg.Key == nil {
		return nil, &ConfigError{Field: "Key", Reason: "required with Certificate"}
	}
	if _, ok := cfg.Key.Public().(*rsa.PublicKey); !ok {
		return nil, &ConfigError{Field: "Key", Reason: "must be an RSA key (Entra ID certificate credentials use RS256)"}
	}
	pub, ok := cfg.Certificate.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cfg.Key.Public()) {
		return nil, &ConfigError{Field: "Key", Reason: "does not match the certificate's public key"}
	}
	s1 := sha1.Sum(cfg.Certificate.Raw)
	s256 := sha256.Sum256(cfg.Certificate.Raw)
	a := &assertionSigner{base: *cc, key: cfg.Key, rand: cfg.Rand,
		x5t: base64.RawURLEncoding.EncodeToString(s1[:]), x5t256: base64.RawURLEncoding.EncodeToString(s256[:])}
	if a.rand == nil {
		a.rand = rand.Reader
	}
	return a, nil
}

// config returns the client-credentials config carrying a fresh assertion.
func (a *assertionSigner) config(now time.Time) (*clientcredentials.Config, error) {
	jti := make([]byte, 16)
	if _, err := io.ReadFull(a.rand, jti); err != nil {
		return nil, fmt.Errorf("groupsync: reading assertion id: %w", err)
	}
	tok, err := jwt.NewBuilder().Issuer(a.base.ClientID).Subject(a.base.ClientID).Audience([]string{a.base.TokenURL}).
		JwtID(hex.EncodeToString(jti)).IssuedAt(now).NotBefore(now).Expiration(now.Add(5 * time.Minute)).Build()
	if err != nil {
		return nil, err
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.X509CertThumbprintKey, a.x5t); err != nil {
		return nil, err
	}
	if err := hdr.Set(jws.X509CertThumbprintS256Key, a.x5t256); err != nil {
		return nil, err
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, a.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return nil, fmt.Errorf("groupsync: signing client assertion: %w", err)
	}
	cc := a.base
	cc.ClientSecret = ""
	cc.EndpointParams = url.Values{"client_assertion_type": {assertionType}, "client_assertion": {string(signed)}}
	return &cc, nil
}
