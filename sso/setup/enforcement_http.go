package setup

import (
	"net/http"
)

// enforcementRoutes adds the Enforcement section's routes. The writes
// are always routed: with a store that cannot change the setting they
// answer 501 with the reason.
func (h *Handler) enforcementRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/tenant", h.authed(h.apiTenant))
	m.HandleFunc("PUT /api/tenant", h.authed(h.apiSetTenant))
	m.HandleFunc("POST /tenant/break-glass", h.authed(h.pageBreakGlass))
}

func (h *Handler) apiTenant(w http.ResponseWriter, r *http.Request, s session) {
	v, err := h.tenantView(r.Context(), s.tenant)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) apiSetTenant(w http.ResponseWriter, r *http.Request, s session) {
	var in TenantInput
	if !decodeStrict(w, r, &in) {
		return
	}
	if in.AllowBreakGlass == nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: errBreakGlassMissing.Error(),
			Problems: []APIProblem{{Path: "allowBreakGlass", Field: "allowBreakGlass", Message: "required"}}})
		return
	}
	v, err := h.setBreakGlass(r.Context(), s, *in.AllowBreakGlass)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) pageBreakGlass(w http.ResponseWriter, r *http.Request, s session) {
	v, err := h.setBreakGlass(r.Context(), s, r.PostFormValue("allow") == "1")
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	msg := "Break-glass password logins are now refused."
	if v.AllowBreakGlass {
		msg = "Break-glass password logins are now allowed."
	}
	h.render(w, r, s, http.StatusOK, &pageData{Notice: msg})
}
