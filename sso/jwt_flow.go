package sso

import (
	"errors"
	"net/http"
)

var errJWTUnavailable = errors.New("sso: JWT SSO connections are not available in this build")

func (h *Handler) startJWT(w http.ResponseWriter, r *http.Request, cc *compiled, returnTo string) error {
	return newError(CodeNotConfigured, errJWTUnavailable)
}

func (h *Handler) serveJWT(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, r.PathValue("tenant"), "", nil, newError(CodeNotConfigured, errJWTUnavailable))
}
