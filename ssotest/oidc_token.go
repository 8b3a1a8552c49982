package ssotest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// oidcMaxFormBytes bounds token request bodies.
const oidcMaxFormBytes = 64 << 10

// token serves the authorization_code and refresh_token grants.
func (p *OIDCProvider) token(w http.ResponseWriter, r *http.Request) {
	c, ok := p.formClient(w, r, "token")
	if !ok {
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		p.oidcCodeGrant(w, r, c)
	case "refresh_token":
		p.oidcRefreshGrant(w, r, c)
	default:
		oidcOauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

func (p *OIDCProvider) oidcCodeGrant(w http.ResponseWriter, r *http.Request, c OIDCClient) {
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code) // single use
	p.mu.Unlock()
	switch {
	case !ok || g.clientID != c.ID || p.cfg.Now().After(g.expires):
		oidcOauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		oidcOauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri mismatch")
	case !oidcPkceMatches(r.PostForm.Get("code_verifier"), g.challenge):
		oidcOauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
	default:
		wantRefresh := p.cfg.AlwaysIssueRefreshToken || slices.Contains(strings.Fields(g.scope), "offline_access")
		p.issue(w, c, g.subject, g.scope, g.nonce, wantRefresh, nil)
	}
}

func (p *OIDCProvider) oidcRefreshGrant(w http.ResponseWriter, r *http.Request, c OIDCClient) {
	token := r.PostForm.Get("refresh_token")
	p.mu.Lock()
	g, ok := p.refresh[token]
	var fam *oidcRefreshFamily
	if ok {
		fam = g.family
	}
	valid := ok && fam.clientID == c.ID && !fam.revoked && fam.current == token && p.cfg.Now().Before(fam.expires)
	if ok && fam.current != token {
		fam.revoked = true // reuse of a rotated token: revoke the grant
	}
	if valid {
		fam.count++
	}
	p.mu.Unlock()
	if !valid {
		oidcOauthError(w, http.StatusBadRequest, "invalid_grant", "refresh token revoked, expired or reused")
		return
	}
	p.issue(w, c, fam.subject, fam.scope, "", true, fam)
}

// issue writes a token response. fam is the grant being refreshed, nil for
// a code exchange.
func (p *OIDCProvider) issue(w http.ResponseWriter, c OIDCClient, sub, scope, nonce string, wantRefresh bool, fam *oidcRefreshFamily) {
	p.mu.Lock()
	u, f := p.users[sub], p.faults
	p.mu.Unlock()
	access, err := p.sign(p.accessTokenClaims(u, c.ID, scope), OIDCFaults{})
	if err != nil {
		oidcOauthError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	resp := map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(p.cfg.AccessTokenTTL / time.Second), "scope": scope}
	if !f.OmitIDToken {
		id, err := p.sign(p.idTokenClaims(u, c.ID, nonce, access, f), f)
		if err != nil {
			oidcOauthError(w, http.StatusInternalServerError, "server_error", "")
			return
		}
		resp["id_token"] = id
	}
	if rt := p.recordTokens(access, u, c, scope, wantRefresh, fam); rt != "" {
		resp["refresh_token"] = rt
	}
	oidcWriteJSON(w, http.StatusOK, resp)
}

// recordTokens remembers the access token for userinfo and mints or
// rotates the refresh token. It returns the refresh token to send.
func (p *OIDCProvider) recordTokens(access string, u OIDCUser, c OIDCClient, scope string, wantRefresh bool, fam *oidcRefreshFamily) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.access[access] = u.Subject
	switch {
	case fam != nil && !p.cfg.RotateRefreshTokens:
		return ""
	case fam == nil && !wantRefresh:
		return ""
	case fam == nil:
		fam = &oidcRefreshFamily{subject: u.Subject, clientID: c.ID, scope: scope,
			expires: p.cfg.Now().Add(p.cfg.RefreshTokenTTL)}
	}
	rt := oidcRandomToken()
	fam.current = rt
	p.refresh[rt] = &oidcRefreshGrant{family: fam}
	return rt
}
