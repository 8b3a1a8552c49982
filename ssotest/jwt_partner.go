package ssotest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// JWTPartner is a partner's login script running in process: the "remote
// login URL" of JWT SSO (IT Glue). A browser sent to LoginURL with a
// return_to parameter is "signed in" as Email, and redirected to Endpoint
// with a fresh HS256 token (iat, jti "<iat>/<hex>", email) in the jwt
// parameter and the return_to it received. It signs with jwx directly, not
// with ssokit's jwtsso, so it tests that package rather than mirroring it.
//
// Shaped like httptest.Server: NewJWTPartner starts it, Close stops it.
// Exported fields may be changed between logins.
type JWTPartner struct {
	// URL is the base URL of the server.
	URL string
	// Endpoint is the host's JWT endpoint, e.g.
	// "https://app.example/sso/acme/jwt".
	Endpoint string
	// Secret is the shared SSO key.
	Secret []byte
	// Email is the user the script signs in.
	Email string
	// IssuedAt shifts iat from Now (negative: a stale token).
	IssuedAt time.Duration
	// Now is the partner's clock; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	last string
	srv  *httptest.Server
}

// NewJWTPartner starts a partner script signing email with secret for the
// host endpoint.
func NewJWTPartner(secret []byte, email, endpoint string) *JWTPartner {
	p := &JWTPartner{Endpoint: endpoint, Secret: secret, Email: email}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sso", p.serveLogin)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	return p
}

// LoginURL is the remote login URL to configure at the host.
func (p *JWTPartner) LoginURL() string { return p.URL + "/sso" }

// LastToken returns the last token the script signed.
func (p *JWTPartner) LastToken() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// Close shuts the server down.
func (p *JWTPartner) Close() { p.srv.Close() }

func (p *JWTPartner) serveLogin(w http.ResponseWriter, r *http.Request) {
	tok, err := p.sign()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	q := url.Values{"jwt": {tok}}
	if rt := r.URL.Query().Get("return_to"); rt != "" {
		q.Set("return_to", rt)
	}
	http.Redirect(w, r, p.Endpoint+"?"+q.Encode(), http.StatusFound)
}

func (p *JWTPartner) sign() (string, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	iat := now().Add(p.IssuedAt).Truncate(time.Second)
	nonce := make([]byte, 18)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	t, err := jwt.NewBuilder().IssuedAt(iat).
		JwtID(strconv.FormatInt(iat.Unix(), 10)+"/"+hex.EncodeToString(nonce)).
		Claim("email", p.Email).Build()
	if err != nil {
		return "", err
	}
	signed, err := jwt.Sign(t, jwt.WithKey(jwa.HS256, p.Secret))
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.last = string(signed)
	p.mu.Unlock()
	return string(signed), nil
}
