package sso

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/ssokit/ssokit/oidc"
)

// oidcCookie names the cookie holding the browser's copy of the state;
// its path is the connection's callback, so logins of different
// connections do not collide.
const oidcCookie = "ssokit_oidc_state"

func (h *Handler) callbackPath(tenant, id string) string {
	return h.prefix + "/" + url.PathEscape(tenant) + "/oidc/callback/" + url.PathEscape(id)
}

// startOIDC redirects to the provider with PKCE, nonce and sealed state.
func (h *Handler) startOIDC(w http.ResponseWriter, r *http.Request, cc *compiled, returnTo, email string) error {
	login, err := cc.rp.Begin(r.Context(), oidc.LoginRequest{ReturnTo: returnTo,
		ConnectionID: stateConnection(cc.tenant, cc.conn.ID), LoginHint: email})
	if err != nil {
		return err
	}
	ck := login.Cookie(oidcCookie, h.callbackPath(cc.tenant, cc.conn.ID))
	ck.Secure = !h.cfg.InsecureCookies
	http.SetCookie(w, ck)
	http.Redirect(w, r, login.URL, http.StatusFound)
	return nil
}

// serveOIDCCallback completes an OIDC login:
// GET {prefix}/{tenant}/oidc/callback/{connection}.
func (h *Handler) serveOIDCCallback(w http.ResponseWriter, r *http.Request) {
	slug, id := r.PathValue("tenant"), r.PathValue("connection")
	cc, err := h.connection(r.Context(), slug, id)
	if err == nil && !cc.conn.Kind.IsOIDC() {
		err = newError(CodeNotConfigured, errors.New("sso: not an OpenID Connect connection"))
	}
	if err != nil {
		h.fail(w, r, slug, id, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Path: h.callbackPath(slug, id), MaxAge: -1,
		HttpOnly: true, Secure: !h.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
	tokens, err := cc.rp.Exchange(r.Context(), oidc.CallbackFromRequest(r, oidcCookie))
	if err != nil {
		h.fail(w, r, slug, id, nil, classify(err))
		return
	}
	if tokens.ConnectionID != stateConnection(slug, id) {
		h.fail(w, r, slug, id, nil, newError(CodeInvalidState, errors.New("sso: state of another connection")))
		return
	}
	returnTo, err := h.returnTo(tokens.ReturnTo)
	if err != nil {
		h.fail(w, r, slug, id, nil, err)
		return
	}
	h.complete(w, r, cc, identityFromOIDC(cc, tokens), returnTo)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
