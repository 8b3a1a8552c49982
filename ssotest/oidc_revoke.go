package ssotest

import (
	"net/http"
)

// revoke serves RFC 7009 token revocation at POST /revoke. The client
// authenticates as at the token endpoint (client_secret_basic,
// client_secret_post or private_key_jwt with the token endpoint as
// audience). A refresh token revokes its whole grant, as
// [OIDCProvider.RevokeRefreshToken] does; an unknown, expired or already
// revoked token is answered 200, as RFC 7009 section 2.2 says. Access
// tokens are self-contained JWTs that this provider cannot revoke: they
// are answered 400 unsupported_token_type (section 2.2.1). A refresh token
// issued to another client is refused with 400 invalid_grant (section 2.1;
// RFC 6749 section 5.2) and stays valid. token_type_hint is only a hint: the
// token is looked up among all kinds whatever it says, and an unknown hint
// is ignored (section 2.1).
func (p *OIDCProvider) revoke(w http.ResponseWriter, r *http.Request) {
	c, ok := p.formClient(w, r, "revoke")
	if !ok {
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		oidcOauthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	switch p.revocationKind(token, c) {
	case oidcRevokeOtherClient:
		oidcOauthError(w, http.StatusBadRequest, "invalid_grant", "token was issued to another client")
	case oidcRevokeAccess:
		oidcOauthError(w, http.StatusBadRequest, "unsupported_token_type", "access tokens cannot be revoked")
	case oidcRevokeRefresh:
		p.RevokeRefreshToken(token)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}
}

type oidcRevokeKind int

const (
	oidcRevokeUnknown oidcRevokeKind = iota
	oidcRevokeRefresh
	oidcRevokeAccess
	oidcRevokeOtherClient
)

// revocationKind tells what token is: a refresh token of client c, one of
// another client, an access token, or unknown.
func (p *OIDCProvider) revocationKind(token string, c OIDCClient) oidcRevokeKind {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g, ok := p.refresh[token]; ok {
		if g.family.clientID != c.ID {
			return oidcRevokeOtherClient
		}
		return oidcRevokeRefresh
	}
	if _, ok := p.access[token]; ok {
		return oidcRevokeAccess
	}
	return oidcRevokeUnknown
}

// RevocationURL returns the RFC 7009 token revocation endpoint, also
// announced in discovery as revocation_endpoint.
func (p *OIDCProvider) RevocationURL() string { return p.server.URL + "/revoke" }
