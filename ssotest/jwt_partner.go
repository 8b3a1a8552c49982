package ssotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// JWTPartner is a partner's login script running in process: the "remote
// login URL" of JWT SSO (IT Glue). A browser sent to LoginURL with a
// return_to parameter is "signed in" as Email, and redirected to Endpoint
// with a fresh HS256 token (iat, jti "<iat>/<hex>", email) in the jwt
// parameter and the return_to it received. It signs with jwx directly, not
// with ssokit's jwtsso, so it tests that package rather than mirroring it.
//
// Shaped like httptest.Server: NewJWTPartner starts it, Close stops it.
// Exported fields may be changed between logins, not during one.
//
// For negative tests, these fields make the script sign broken or hostile
// tokens; the zero value of each gives a correct token:
//
//   - IssuedAt shifts iat (a stale or future token);
//   - Algorithm signs with HS384 or HS512 instead of HS256, or "none"
//     sends an unsigned token;
//   - WrongKey signs with a random key instead of Secret;
//   - OmitJTI, OmitEmail and OmitIssuedAt leave that claim out;
//   - ReuseJTI sends the previous token's jti again (a replay);
//   - ExtraClaims adds claims, or replaces iat, jti and email with hostile
//     values;
//   - ExpiresIn sets exp (negative: an expired token).
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

	// Algorithm is the JWS alg: "" or "HS256" (the default), "HS384" or
	// "HS512" (still keyed with Secret), or "none" for an unsigned token
	// with an empty signature. Any other value makes the login fail with
	// status 500.
	Algorithm string
	// WrongKey signs with a fresh random key instead of Secret.
	WrongKey bool
	// OmitJTI leaves the jti claim out.
	OmitJTI bool
	// ReuseJTI sends the jti of the previous token again (the last jti
	// sent, if the previous token had none), as a replayed token would;
	// the first token gets a fresh jti.
	ReuseJTI bool
	// OmitEmail leaves the email claim out.
	OmitEmail bool
	// OmitIssuedAt leaves the iat claim out.
	OmitIssuedAt bool
	// ExtraClaims are added to the payload last, so they may also replace
	// iat, jti or email with hostile values (a string iat, an address with
	// a display name, "Email" beside "email"...).
	ExtraClaims map[string]any
	// ExpiresIn, when not zero, sets exp to Now plus ExpiresIn (negative:
	// an expired token). Zero sends no exp, as the IT Glue script does.
	ExpiresIn time.Duration

	mu      sync.Mutex
	last    string
	lastJTI string
	srv     *httptest.Server
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
	claims, err := p.claims()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed, err := p.signPayload(payload)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.last = string(signed)
	if jti, ok := claims["jti"].(string); ok {
		p.lastJTI = jti
	}
	p.mu.Unlock()
	return string(signed), nil
}

// claims builds the payload: iat, jti and email, with the knobs applied.
func (p *JWTPartner) claims() (map[string]any, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	iat := now().Add(p.IssuedAt).Truncate(time.Second)
	nonce := make([]byte, 18)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	jti := strconv.FormatInt(iat.Unix(), 10) + "/" + hex.EncodeToString(nonce)
	p.mu.Lock()
	if p.ReuseJTI && p.lastJTI != "" {
		jti = p.lastJTI
	}
	p.mu.Unlock()
	c := map[string]any{"iat": iat.Unix(), "jti": jti, "email": p.Email}
	if p.OmitIssuedAt {
		delete(c, "iat")
	}
	if p.OmitJTI {
		delete(c, "jti")
	}
	if p.OmitEmail {
		delete(c, "email")
	}
	if p.ExpiresIn != 0 {
		c["exp"] = now().Add(p.ExpiresIn).Unix()
	}
	maps.Copy(c, p.ExtraClaims)
	return c, nil
}

// signPayload signs with the algorithm and key the knobs choose.
func (p *JWTPartner) signPayload(payload []byte) ([]byte, error) {
	h := jws.NewHeaders()
	_ = h.Set(jws.TypeKey, "JWT")
	alg := jwa.HS256
	switch p.Algorithm {
	case "", "HS256":
	case "HS384", "HS512":
		alg = jwa.SignatureAlgorithm(p.Algorithm)
	case "none":
		return jws.Sign(payload, jws.WithInsecureNoSignature(jws.WithProtectedHeaders(h)))
	default:
		return nil, fmt.Errorf("ssotest: JWTPartner.Algorithm %q is not HS256, HS384, HS512 or none", p.Algorithm)
	}
	key := p.Secret
	if p.WrongKey {
		key = make([]byte, max(len(p.Secret), 64))
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
}
