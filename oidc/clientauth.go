package oidc

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// MaxResponseBytes bounds every response body read from the provider.
const MaxResponseBytes = 1 << 20

// ClientAssertionType is the client_assertion_type of RFC 7523.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is the validity of a client assertion.
const assertionLifetime = 5 * time.Minute

// limitClient returns a copy of c whose response bodies are cut at
// MaxResponseBytes, so a hostile provider cannot exhaust memory.
func limitClient(c *http.Client) *http.Client {
	cp := *c
	cp.Transport = limitTransport{next: transportOf(c)}
	return &cp
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

type limitTransport struct{ next http.RoundTripper }

// RoundTrip sends r and limits the response body.
func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = limitedBody{Reader: io.LimitReader(resp.Body, MaxResponseBytes), Closer: resp.Body}
	return resp, nil
}

type limitedBody struct {
	io.Reader
	io.Closer
}

// tokenClient returns the client for the token endpoint: body-limited and,
// for PrivateKeyJWT, adding a fresh client assertion to each token request
// (code exchange and refresh alike).
func (rp *RP) tokenClient(tokenURL string) *http.Client {
	c := limitClient(rp.cfg.HTTPClient)
	if rp.cfg.AuthMethod == PrivateKeyJWT {
		c.Transport = &assertionTransport{next: c.Transport, rp: rp, tokenURL: tokenURL}
	}
	return c
}

type assertionTransport struct {
	next     http.RoundTripper
	rp       *RP
	tokenURL string
}

// RoundTrip adds a client assertion to token endpoint requests.
func (t *assertionTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost || !sameEndpoint(r.URL, t.tokenURL) || r.Body == nil {
		return t.next.RoundTrip(r)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	assertion, err := t.rp.ClientAssertion(t.tokenURL)
	if err != nil {
		return nil, err
	}
	form.Set("client_assertion_type", ClientAssertionType)
	form.Set("client_assertion", assertion)
	enc := form.Encode()
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(strings.NewReader(enc))
	r2.ContentLength = int64(len(enc))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
	return t.next.RoundTrip(r2)
}

func sameEndpoint(u *url.URL, endpoint string) bool {
	e, err := url.Parse(endpoint)
	return err == nil && u.Scheme == e.Scheme && u.Host == e.Host && u.Path == e.Path
}

// ClientAssertion returns a client assertion JWT (RFC 7523) for the given
// audience, normally the token endpoint URL: iss and sub are the client ID,
// jti is random, exp is five minutes ahead; the header carries kid and, when
// Config.Certificate is set, the x5t thumbprint Entra ID requires. It fails
// unless the relying party uses PrivateKeyJWT.
func (rp *RP) ClientAssertion(audience string) (string, error) {
	if rp.cfg.AuthMethod != PrivateKeyJWT {
		return "", fmt.Errorf("oidc: client assertions need AuthMethod PrivateKeyJWT")
	}
	jti, err := randomString(rp.cfg.Rand, 16)
	if err != nil {
		return "", err
	}
	now := rp.cfg.Now()
	tok, err := jwt.NewBuilder().
		Issuer(rp.cfg.ClientID).Subject(rp.cfg.ClientID).Audience([]string{audience}).
		JwtID(jti).IssuedAt(now).NotBefore(now).Expiration(now.Add(assertionLifetime)).
		Build()
	if err != nil {
		return "", err
	}
	tok.Options().Enable(jwt.FlattenAudience) // "aud": "<token endpoint>", as Entra ID shows it
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, rp.cfg.PrivateKey, jws.WithProtectedHeaders(rp.assertionHeaders())))
	if err != nil {
		return "", fmt.Errorf("oidc: signing client assertion: %w", err)
	}
	return string(signed), nil
}

func (rp *RP) assertionHeaders() jws.Headers {
	h := jws.NewHeaders()
	kid := rp.cfg.KeyID
	if rp.cfg.Certificate != nil {
		x5t := Thumbprint(rp.cfg.Certificate)
		_ = h.Set(jws.X509CertThumbprintKey, x5t)
		if kid == "" {
			kid = x5t
		}
	}
	if kid != "" {
		_ = h.Set(jws.KeyIDKey, kid)
	}
	return h
}

// randomString returns n random bytes from r, base64url-encoded.
func randomString(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("oidc: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
