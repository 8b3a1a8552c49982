package sso

import (
	"errors"
	"net/http"
)

var errSAMLUnavailable = errors.New("sso: SAML connections are not available in this build")

func (h *Handler) startSAML(w http.ResponseWriter, r *http.Request, cc *compiled, returnTo string) error {
	return newError(CodeNotConfigured, errSAMLUnavailable)
}

func (h *Handler) serveSAMLACS(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, r.PathValue("tenant"), "", nil, newError(CodeNotConfigured, errSAMLUnavailable))
}

func (h *Handler) serveSAMLMetadata(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, r.PathValue("tenant"), "", nil, newError(CodeNotConfigured, errSAMLUnavailable))
}
