package ssotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// oidcCodeGrant is an issued authorization code.
type oidcCodeGrant struct {
	clientID, redirectURI, subject, nonce, scope, challenge string
	expires                                                 time.Time
}

// oidcRefreshFamily is one grant: the original refresh token and all its
// rotated successors.
type oidcRefreshFamily struct {
	subject, clientID, scope string
	current                  string
	expires                  time.Time
	revoked                  bool
	count                    int
}

type oidcRefreshGrant struct{ family *oidcRefreshFamily }

func (p *OIDCProvider) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /common/v2.0/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("POST /revoke", p.revoke)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	return mux
}

func (p *OIDCProvider) discovery(w http.ResponseWriter, r *http.Request) {
	if p.cfg.MultiTenant != strings.HasPrefix(r.URL.Path, "/common/") {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	algs := p.faults.AdvertiseAlgs
	p.mu.Unlock()
	if algs == nil {
		algs = []string{"RS256"}
	}
	oidcWriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         p.announcedIssuer(),
		"authorization_endpoint":                         p.server.URL + "/authorize",
		"token_endpoint":                                 p.TokenURL(),
		"userinfo_endpoint":                              p.server.URL + "/userinfo",
		"jwks_uri":                                       p.server.URL + "/jwks",
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          algs,
		"scopes_supported":                               []string{"openid", "profile", "email", "offline_access"},
		"token_endpoint_auth_methods_supported":          []string{OIDCClientSecretBasic, OIDCClientSecretPost, OIDCPrivateKeyJWT},
		"revocation_endpoint":                            p.RevocationURL(),
		"revocation_endpoint_auth_methods_supported":     []string{OIDCClientSecretBasic, OIDCClientSecretPost, OIDCPrivateKeyJWT},
		"code_challenge_methods_supported":               []string{"S256"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"authorization_response_iss_parameter_supported": true,
	})
}

func (p *OIDCProvider) jwks(w http.ResponseWriter, _ *http.Request) {
	set := jwk.NewSet()
	p.mu.Lock()
	p.jwksHits++
	for _, k := range p.keys {
		_ = set.AddKey(k.jwk)
	}
	p.mu.Unlock()
	oidcWriteJSON(w, http.StatusOK, set)
}

// authorize signs in the user named by login_hint (or the first user)
// without a login page and redirects back with a code.
func (p *OIDCProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, ok := p.client(q.Get("client_id"))
	if !ok || !slices.Contains(c.RedirectURIs, q.Get("redirect_uri")) {
		http.Error(w, "unknown client_id or redirect_uri", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	f := p.faults
	p.mu.Unlock()
	u, err := p.userFor(q.Get("login_hint"))
	switch {
	case f.AuthorizeError != "":
		p.redirect(w, r, q, u, url.Values{"error": {f.AuthorizeError}})
	case err != nil:
		p.redirect(w, r, q, u, url.Values{"error": {"login_required"}})
	case q.Get("response_type") != "code" || !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		p.redirect(w, r, q, u, url.Values{"error": {"invalid_request"}})
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		p.redirect(w, r, q, u, url.Values{"error": {"invalid_request"}, "error_description": {"PKCE S256 required"}})
	default:
		code := oidcRandomToken()
		p.mu.Lock()
		p.codes[code] = &oidcCodeGrant{clientID: c.ID, redirectURI: q.Get("redirect_uri"), subject: u.Subject,
			nonce: q.Get("nonce"), scope: q.Get("scope"), challenge: q.Get("code_challenge"),
			expires: p.cfg.Now().Add(time.Minute)}
		p.mu.Unlock()
		p.redirect(w, r, q, u, url.Values{"code": {code}})
	}
}

func (p *OIDCProvider) redirect(w http.ResponseWriter, r *http.Request, q url.Values, u OIDCUser, v url.Values) {
	p.mu.Lock()
	iss := p.faults.IssParameter
	p.mu.Unlock()
	if iss == "" {
		iss = p.issuerFor(u)
	}
	v.Set("state", q.Get("state"))
	v.Set("iss", iss)
	target, _ := url.Parse(q.Get("redirect_uri"))
	target.RawQuery = v.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

func (p *OIDCProvider) userinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	sub, known := p.access[token]
	u := p.users[sub]
	f := p.faults
	p.mu.Unlock()
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, "invalid token", http.StatusUnauthorized)
		return
	}
	c := oidcUserClaims(u)
	if f.UserInfoSubject != "" {
		c["sub"] = f.UserInfoSubject
	}
	oidcWriteJSON(w, http.StatusOK, c)
}

// oidcPkceMatches checks S256(verifier) against the stored challenge.
func oidcPkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func oidcWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oidcOauthError(w http.ResponseWriter, status int, code, desc string) {
	oidcWriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}
