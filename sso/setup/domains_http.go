package setup

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ssokit/ssokit/domains"
)

// domainRoutes adds the domains section's routes when Config.Domains is
// set; without it they answer 404 like any unknown path.
func (h *Handler) domainRoutes(m *http.ServeMux) {
	if h.cfg.Domains == nil {
		return
	}
	m.HandleFunc("GET /api/domains", h.authed(h.apiDomains))
	m.HandleFunc("POST /api/domains", h.authed(h.apiClaimDomain))
	m.HandleFunc("POST /api/domains/{domain}/verify", h.authed(h.apiVerifyDomain))
	m.HandleFunc("POST /api/domains/{domain}/subdomains", h.authed(h.apiSubdomains))
	m.HandleFunc("POST /domains", h.authed(h.pageClaimDomain))
	m.HandleFunc("POST /domains/{domain}/verify", h.authed(h.pageVerifyDomain))
	m.HandleFunc("POST /domains/{domain}/subdomains", h.authed(h.pageSubdomains))
}

func (h *Handler) apiDomains(w http.ResponseWriter, r *http.Request, s session) {
	v, err := h.domainViews(r.Context(), s.tenant)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// decodeStrict decodes a JSON body, refusing other content types and
// unknown fields; it answers the error itself and reports false.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, APIError{Error: "send application/json"})
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: "malformed JSON: " + err.Error()})
		return false
	}
	return true
}

func (h *Handler) apiClaimDomain(w http.ResponseWriter, r *http.Request, s session) {
	var in DomainInput
	if !decodeStrict(w, r, &in) {
		return
	}
	v, err := h.claimDomain(r.Context(), s, in.Domain)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) apiVerifyDomain(w http.ResponseWriter, r *http.Request, s session) {
	res, err := h.verifyDomain(r.Context(), s, r.PathValue("domain"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *Handler) apiSubdomains(w http.ResponseWriter, r *http.Request, s session) {
	var in SubdomainsInput
	if !decodeStrict(w, r, &in) {
		return
	}
	v, err := h.setSubdomains(r.Context(), s, r.PathValue("domain"), in.Include)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) pageClaimDomain(w http.ResponseWriter, r *http.Request, s session) {
	name := r.PostFormValue("domain")
	v, err := h.claimDomain(r.Context(), s, name)
	if err != nil {
		h.pageError(w, r, s, err, &pageData{DomainInput: name})
		return
	}
	notice := "Claimed " + v.Name + ": publish the TXT record shown under Domains, then press Verify now."
	if v.State == domains.Verified {
		notice = v.Name + " is already verified for your organisation."
	}
	h.render(w, r, s, http.StatusOK, &pageData{Notice: notice})
}

func (h *Handler) pageVerifyDomain(w http.ResponseWriter, r *http.Request, s session) {
	res, err := h.verifyDomain(r.Context(), s, r.PathValue("domain"))
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	d := &pageData{Notice: res.Domain.Name + " is verified: " + res.Result}
	if !res.Verified {
		d.Notice, d.FormError = "", res.Domain.Name+" is still pending: "+res.Result
	}
	h.render(w, r, s, http.StatusOK, d)
}

func (h *Handler) pageSubdomains(w http.ResponseWriter, r *http.Request, s session) {
	v, err := h.setSubdomains(r.Context(), s, r.PathValue("domain"), r.PostFormValue("include") == "1")
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	msg := "Subdomains of " + v.Name + " are not covered."
	if v.IncludeSubdomains {
		msg = "Subdomains of " + v.Name + " are now covered too."
	}
	h.render(w, r, s, http.StatusOK, &pageData{Notice: msg})
}
