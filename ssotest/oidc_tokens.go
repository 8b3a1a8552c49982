package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// OIDCFaults make the provider answer wrongly, for negative tests of
// relying parties (the OpenID RP conformance list). Set them with
// [OIDCProvider.SetFaults]; the zero value means correct answers.
type OIDCFaults struct {
	Issuer          string   // iss of ID tokens
	Audience        []string // aud of ID tokens
	AuthorizedParty string   // azp of ID tokens
	Nonce           string   // nonce of ID tokens, instead of the request's
	OmitNonce       bool     // no nonce in ID tokens
	TenantID        string   // tid of ID tokens
	Expired         bool     // exp an hour ago
	IssuedIn        time.Duration
	OmitIssuedAt    bool
	OmitSubject     bool          // no sub in ID tokens
	NotBefore       time.Duration // nbf this far from now (0: no nbf)
	AtHash          string        // at_hash instead of the right one
	// Signature faults.
	AlgNone            bool // unsigned token, alg "none"
	HS256WithPublicKey bool // HMAC-SHA256 keyed with the RSA public key PEM
	BadSignature       bool // a flipped bit in the signature
	UnknownKey         bool // signed with a key that is not published
	// AdvertiseAlgs replaces id_token_signing_alg_values_supported.
	AdvertiseAlgs []string
	// UserInfoSubject is the sub of userinfo answers.
	UserInfoSubject string
	// AuthorizeError makes the authorize endpoint redirect with this error.
	AuthorizeError string
	// IssParameter replaces the iss of the authorization response.
	IssParameter string
	// OmitIDToken leaves id_token out of token responses.
	OmitIDToken bool
}

type oidcSigningKey struct {
	kid  string
	priv *rsa.PrivateKey
	jwk  jwk.Key // public
}

func oidcNewSigningKey(priv *rsa.PrivateKey, n int) *oidcSigningKey {
	pub, err := jwk.FromRaw(&priv.PublicKey)
	if err != nil {
		panic(err) // cannot happen for an *rsa.PublicKey
	}
	kid := fmt.Sprintf("key-%d", n)
	if n == 0 {
		kid = "rogue"
	}
	_ = pub.Set(jwk.KeyIDKey, kid)
	_ = pub.Set(jwk.AlgorithmKey, jwa.RS256)
	_ = pub.Set(jwk.KeyUsageKey, "sig")
	return &oidcSigningKey{kid: kid, priv: priv, jwk: pub}
}

// idTokenClaims builds an ID token's claims for a user, applying faults.
func (p *OIDCProvider) idTokenClaims(u OIDCUser, clientID, nonce, accessToken string, f OIDCFaults) map[string]any {
	now := p.cfg.Now()
	c := oidcUserClaims(u)
	c["iss"] = p.issuerFor(u)
	c["aud"] = clientID
	c["iat"] = now.Unix()
	c["exp"] = now.Add(p.cfg.IDTokenTTL).Unix()
	c["auth_time"] = now.Unix()
	if nonce != "" {
		c["nonce"] = nonce
	}
	if accessToken != "" {
		c["at_hash"] = oidcAtHash(accessToken)
	}
	oidcApplyIDFaults(c, f, now)
	return c
}

func oidcApplyIDFaults(c map[string]any, f OIDCFaults, now time.Time) {
	set := map[string]string{"iss": f.Issuer, "azp": f.AuthorizedParty, "nonce": f.Nonce, "tid": f.TenantID, "at_hash": f.AtHash}
	for k, v := range set {
		if v != "" {
			c[k] = v
		}
	}
	if f.Audience != nil {
		c["aud"] = f.Audience
	}
	if f.OmitNonce {
		delete(c, "nonce")
	}
	if f.Expired {
		c["exp"] = now.Add(-time.Hour).Unix()
	}
	if f.IssuedIn != 0 {
		c["iat"] = now.Add(f.IssuedIn).Unix()
	}
	if f.OmitIssuedAt {
		delete(c, "iat")
	}
	if f.NotBefore != 0 {
		c["nbf"] = now.Add(f.NotBefore).Unix()
	}
	if f.OmitSubject {
		delete(c, "sub")
	}
}

// oidcUserClaims returns sub, the profile claims and the user's extra claims.
func oidcUserClaims(u OIDCUser) map[string]any {
	c := maps.Clone(u.Claims)
	if c == nil {
		c = map[string]any{}
	}
	c["sub"] = u.Subject
	if u.Email != "" {
		c["email"] = u.Email
	}
	if u.Name != "" {
		c["name"] = u.Name
	}
	if u.TenantID != "" {
		c["tid"] = u.TenantID
	}
	return c
}

// accessTokenClaims builds the claims of a JWT access token.
func (p *OIDCProvider) accessTokenClaims(u OIDCUser, clientID, scope string) map[string]any {
	now := p.cfg.Now()
	c := maps.Clone(u.AccessTokenClaims)
	if c == nil {
		c = map[string]any{}
	}
	c["iss"], c["sub"], c["aud"] = p.issuerFor(u), u.Subject, "api://default"
	c["cid"], c["scp"], c["jti"] = clientID, scope, oidcRandomToken()
	c["iat"], c["exp"] = now.Unix(), now.Add(p.cfg.AccessTokenTTL).Unix()
	return c
}

// oidcAtHash is the left half of the SHA-256 of the access token, base64url
// (OpenID Connect Core 3.1.3.6, for RS256).
func oidcAtHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// sign signs claims with the current key, or as the faults say.
func (p *OIDCProvider) sign(claims map[string]any, f OIDCFaults) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	key := p.keys[len(p.keys)-1]
	p.mu.Unlock()
	var out []byte
	switch {
	case f.AlgNone:
		out, err = jws.Sign(payload, jws.WithInsecureNoSignature())
	case f.HS256WithPublicKey:
		out, err = jws.Sign(payload, jws.WithKey(jwa.HS256, oidcPublicKeyPEM(key.priv), jws.WithProtectedHeaders(oidcHeaders(key.kid))))
	case f.UnknownKey:
		var rogue *oidcSigningKey
		if rogue, err = p.rogueKey(); err == nil {
			out, err = oidcSignRS256(payload, rogue)
		}
	default:
		out, err = oidcSignRS256(payload, key)
	}
	if err != nil {
		return "", err
	}
	if f.BadSignature {
		return oidcFlipSignatureBit(string(out))
	}
	return string(out), nil
}

// oidcFlipSignatureBit changes one bit of a compact JWS signature.
func oidcFlipSignatureBit(token string) (string, error) {
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || len(sig) == 0 {
		return "", fmt.Errorf("ssotest: cannot flip signature: %v", err)
	}
	sig[len(sig)/2] ^= 0x01
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig), nil
}

// rogueKey returns a key that is never published, generating it once.
func (p *OIDCProvider) rogueKey() (*oidcSigningKey, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rogue == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		p.rogue = oidcNewSigningKey(k, 0)
	}
	return p.rogue, nil
}

func oidcSignRS256(payload []byte, k *oidcSigningKey) ([]byte, error) {
	return jws.Sign(payload, jws.WithKey(jwa.RS256, k.priv, jws.WithProtectedHeaders(oidcHeaders(k.kid))))
}

func oidcHeaders(kid string) jws.Headers {
	h := jws.NewHeaders()
	_ = h.Set(jws.KeyIDKey, kid)
	_ = h.Set(jws.TypeKey, "JWT")
	return h
}

func oidcPublicKeyPEM(k *rsa.PrivateKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// oidcRandomToken returns an opaque random value (codes, refresh tokens, jti).
func oidcRandomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
