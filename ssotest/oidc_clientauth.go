package ssotest

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

const oidcClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// authenticateClient checks client_secret_basic, client_secret_post or
// private_key_jwt, and that the client uses its registered method.
func (p *OIDCProvider) authenticateClient(r *http.Request) (OIDCClient, error) {
	f := r.PostForm
	var method, id, secret string
	if u, pw, ok := r.BasicAuth(); ok {
		method = OIDCClientSecretBasic
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(pw)
	} else if f.Has("client_assertion") {
		return p.authenticateAssertion(f)
	} else {
		method, id, secret = OIDCClientSecretPost, f.Get("client_id"), f.Get("client_secret")
	}
	c, ok := p.client(id)
	if !ok || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return OIDCClient{}, errors.New("client authentication failed")
	}
	if c.AuthMethod != "" && c.AuthMethod != method {
		return OIDCClient{}, errors.New("client must use " + c.AuthMethod)
	}
	return c, nil
}

// authenticateAssertion verifies an RFC 7523 client assertion: RS256 with
// the client's key, iss = sub = client_id, aud = token endpoint, unexpired,
// jti not seen before, and x5t equal to the certificate thumbprint when a
// certificate is registered.
func (p *OIDCProvider) authenticateAssertion(f url.Values) (OIDCClient, error) {
	if f.Get("client_assertion_type") != oidcClientAssertionType {
		return OIDCClient{}, errors.New("unsupported client_assertion_type")
	}
	raw := []byte(f.Get("client_assertion"))
	unverified, err := jwt.Parse(raw, jwt.WithVerify(false), jwt.WithValidate(false))
	if err != nil {
		return OIDCClient{}, errors.New("malformed client assertion")
	}
	c, ok := p.client(unverified.Issuer())
	if !ok || c.AuthMethod != OIDCPrivateKeyJWT || (f.Has("client_id") && f.Get("client_id") != c.ID) {
		return OIDCClient{}, errors.New("client authentication failed")
	}
	if err := p.checkAssertion(raw, c); err != nil {
		return OIDCClient{}, err
	}
	return c, nil
}

func (p *OIDCProvider) checkAssertion(raw []byte, c OIDCClient) error {
	key := c.PublicKey
	if c.Certificate != nil {
		key = c.Certificate.PublicKey
		if err := oidcCheckThumbprint(raw, c); err != nil {
			return err
		}
	}
	tok, err := jwt.Parse(raw, jwt.WithKey(jwa.RS256, key), jwt.WithClock(jwt.ClockFunc(p.cfg.Now)),
		jwt.WithIssuer(c.ID), jwt.WithSubject(c.ID), jwt.WithAudience(p.TokenURL()),
		jwt.WithRequiredClaim(jwt.ExpirationKey), jwt.WithRequiredClaim(jwt.JwtIDKey),
		jwt.WithAcceptableSkew(time.Minute))
	if err != nil {
		return errors.New("client assertion rejected: " + err.Error())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, seen := p.jtis[c.ID+"/"+tok.JwtID()]; seen {
		return errors.New("client assertion replayed")
	}
	p.jtis[c.ID+"/"+tok.JwtID()] = tok.Expiration()
	return nil
}

func oidcCheckThumbprint(raw []byte, c OIDCClient) error {
	msg, err := jws.Parse(raw)
	if err != nil || len(msg.Signatures()) != 1 {
		return errors.New("malformed client assertion")
	}
	sum := sha1.Sum(c.Certificate.Raw)
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	if msg.Signatures()[0].ProtectedHeaders().X509CertThumbprint() != want {
		return errors.New("client assertion x5t does not match the registered certificate")
	}
	return nil
}

// formClient reads a bounded form body and authenticates the client of a
// token or revocation request; on failure it has answered (400 or 401
// with a Basic challenge for realm) and reports false.
func (p *OIDCProvider) formClient(w http.ResponseWriter, r *http.Request, realm string) (OIDCClient, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, oidcMaxFormBytes)
	if err := r.ParseForm(); err != nil {
		oidcOauthError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return OIDCClient{}, false
	}
	c, err := p.authenticateClient(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
		oidcOauthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return OIDCClient{}, false
	}
	return c, true
}
