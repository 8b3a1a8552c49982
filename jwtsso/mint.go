package jwtsso

import (
	"crypto"
	cryptorand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Minter makes login tokens the way a partner's login script does. It
// exists for tests and for partners writing their script in Go; ssokit
// itself only verifies.
type Minter struct {
	// Algorithm signs the token; empty means HS256.
	Algorithm string
	// Secret is the shared secret (the SSO key's bytes) for HS256/384/512.
	Secret []byte
	// PrivateKey signs RS256 (*rsa.PrivateKey) or ES256
	// (*ecdsa.PrivateKey) tokens.
	PrivateKey crypto.Signer
	// KeyID, when set, is sent as the kid header.
	KeyID string
	// Now tells the current time; nil means time.Now.
	Now func() time.Time
	// Rand makes token ids; nil means crypto/rand.
	Rand io.Reader
}

// Token is the content of one login token.
type Token struct {
	// Email is the user's address (required).
	Email string
	// JTI is the token id; empty means "<iat>/<36 hex digits>", as in the
	// IT Glue example.
	JTI string
	// IssuedAt is iat; zero means Minter.Now().
	IssuedAt time.Time
	// Expires is exp; zero means no exp claim.
	Expires time.Time
	// Issuer and Audience are iss and aud; empty means absent.
	Issuer, Audience string
	// Extra claims are added as given; they may not replace the claims
	// above.
	Extra map[string]any
}

// Mint signs t and returns the compact JWS to send as the jwt parameter.
func (m Minter) Mint(t Token) (string, error) {
	claims, err := m.claims(t)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("jwtsso: mint: %w", err)
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.TypeKey, "JWT")
	if m.KeyID != "" {
		_ = hdr.Set(jws.KeyIDKey, m.KeyID)
	}
	var key any = m.Secret
	if m.PrivateKey != nil {
		key = m.PrivateKey
	}
	alg := jwa.SignatureAlgorithm(cmpOr(m.Algorithm, "HS256"))
	tok, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("jwtsso: mint: %w", err)
	}
	return string(tok), nil
}

func (m Minter) claims(t Token) (map[string]any, error) {
	iat := t.IssuedAt
	if iat.IsZero() {
		iat = m.now()
	}
	jti := t.JTI
	if jti == "" {
		var err error
		if jti, err = m.newJTI(iat); err != nil {
			return nil, err
		}
	}
	c := maps.Clone(t.Extra)
	if c == nil {
		c = map[string]any{}
	}
	c["iat"], c["jti"], c["email"] = iat.Unix(), jti, t.Email
	setIf(c, "exp", t.Expires.Unix(), !t.Expires.IsZero())
	setIf(c, "iss", t.Issuer, t.Issuer != "")
	setIf(c, "aud", t.Audience, t.Audience != "")
	return c, nil
}

func (m Minter) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m Minter) newJTI(iat time.Time) (string, error) {
	r := m.Rand
	if r == nil {
		r = cryptorand.Reader
	}
	b := make([]byte, 18)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("jwtsso: mint: %w", err)
	}
	return fmt.Sprintf("%d/%s", iat.Unix(), hex.EncodeToString(b)), nil
}

func setIf(m map[string]any, k string, v any, ok bool) {
	if ok {
		m[k] = v
	}
}
