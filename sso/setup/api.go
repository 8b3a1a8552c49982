package setup

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/sso"
)

func (h *Handler) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /link", h.serveLink)
	m.HandleFunc("GET /{$}", h.authed(h.pageIndex))
	m.HandleFunc("POST /connections", h.authed(h.pageSave))
	m.HandleFunc("POST /connections/{id}/delete", h.authed(h.pageDelete))
	m.HandleFunc("POST /connections/{id}/run", h.authed(h.pageRun))
	m.HandleFunc("GET /connections/{id}/test", h.authed(h.pageTestStart))
	m.HandleFunc("POST /connections/{id}/jwt-check", h.authed(h.pageJWTCheck))
	m.HandleFunc("POST /test/saml/acs", h.serveTestACS)
	m.HandleFunc("GET /test/oidc/callback", h.serveTestOIDCCallback)
	m.HandleFunc("GET /test/result/{rid}", h.authed(h.pageTestResult))
	m.HandleFunc("POST /scim/rotate", h.authed(h.pageSCIMRotate))
	m.HandleFunc("POST /scim/revoke", h.authed(h.pageSCIMRevoke))
	m.HandleFunc("GET /api/session", h.authed(h.apiSession))
	m.HandleFunc("GET /api/connections", h.authed(h.apiList))
	m.HandleFunc("POST /api/connections", h.authed(h.apiSave))
	m.HandleFunc("GET /api/connections/{id}", h.authed(h.apiGet))
	m.HandleFunc("PUT /api/connections/{id}", h.authed(h.apiSave))
	m.HandleFunc("DELETE /api/connections/{id}", h.authed(h.apiDelete))
	m.HandleFunc("POST /api/connections/{id}/run", h.authed(h.apiRun))
	m.HandleFunc("POST /api/connections/{id}/jwt-check", h.authed(h.apiJWTCheck))
	m.HandleFunc("POST /api/scim/token", h.authed(h.apiSCIMRotate))
	m.HandleFunc("DELETE /api/scim/token", h.authed(h.apiSCIMRevoke))
	m.HandleFunc("GET /api/audit", h.authed(h.apiAudit))
	m.HandleFunc("GET /api/scim/requests", h.authed(h.apiSCIMRequests))
	h.domainRoutes(m)
	h.enforcementRoutes(m)
	h.mux = m
}

// Session is the answer of GET api/session.
type Session struct {
	Tenant      string   `json:"tenant"`
	CSRFToken   string   `json:"csrfToken"`
	Values      SPValues `json:"values"`
	SCIMBaseURL string   `json:"scimBaseUrl,omitempty"`
}

// APIError is the body of every error answer. Problems are per field,
// with the config file's JSON paths; Field is the path relative to the
// connection ("parameters.clientId").
type APIError struct {
	Error    string       `json:"error"`
	Problems []APIProblem `json:"problems,omitempty"`
}

// APIProblem is one invalid field.
type APIProblem struct {
	Path    string `json:"path"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// relField turns $["acme"][0].parameters.clientId into
// parameters.clientId.
func relField(path string) string {
	if !strings.HasPrefix(path, `$["`) {
		return path
	}
	if i := strings.Index(path, "]."); i >= 0 {
		return path[i+2:]
	}
	return path
}

// errorStatus maps an error to a status and body, never leaking
// internal details of unexpected errors.
func errorStatus(err error) (int, APIError) {
	var ce *sso.ConfigError
	var re *ReferenceError
	if status, body, ok := domainErrorStatus(err); ok {
		return status, body
	}
	switch {
	case errors.As(err, &ce):
		body := APIError{Error: "the connection is not valid"}
		for _, p := range ce.Problems {
			body.Problems = append(body.Problems, APIProblem{Path: p.Path, Field: relField(p.Path), Message: p.Message})
		}
		return http.StatusUnprocessableEntity, body
	case errors.As(err, &re):
		return http.StatusUnprocessableEntity, APIError{Error: re.Error(), Problems: []APIProblem{{Path: re.Field, Field: re.Field, Message: re.Error()}}}
	case errors.Is(err, sso.ErrConflict):
		return http.StatusConflict, APIError{Error: "the connection was changed by someone else; reload it and apply your change again"}
	case errors.Is(err, sso.ErrNotFound):
		return http.StatusNotFound, APIError{Error: "no such connection"}
	case errors.Is(err, ErrNotJWT):
		return http.StatusUnprocessableEntity, APIError{Error: err.Error()}
	case errors.Is(err, errNoDelete), errors.Is(err, errNoBreakGlass):
		return http.StatusNotImplemented, APIError{Error: err.Error()}
	}
	return http.StatusInternalServerError, APIError{Error: "internal error"}
}

func writeErr(w http.ResponseWriter, err error) {
	status, body := errorStatus(err)
	writeJSON(w, status, body)
}

func (h *Handler) apiSession(w http.ResponseWriter, r *http.Request, s session) {
	writeJSON(w, http.StatusOK, Session{Tenant: s.tenant, CSRFToken: h.csrfToken(s),
		Values: h.values(s.tenant, ""), SCIMBaseURL: h.cfg.SCIMBaseURL})
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request, s session) {
	cs, err := h.list(r.Context(), s.tenant)
	if err != nil {
		writeErr(w, err)
		return
	}
	out := []ConnectionView{}
	for _, c := range cs {
		out = append(out, h.view(r.Context(), s.tenant, c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request, s session) {
	c, err := h.cfg.Store.Connection(r.Context(), s.tenant, r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, h.view(r.Context(), s.tenant, *c))
}

func (h *Handler) apiSave(w http.ResponseWriter, r *http.Request, s session) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, APIError{Error: "send application/json"})
		return
	}
	var in ConnectionInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: "malformed JSON: " + err.Error()})
		return
	}
	status := http.StatusCreated
	if id := r.PathValue("id"); id != "" {
		if in.ID != "" && in.ID != id {
			writeJSON(w, http.StatusBadRequest, APIError{Error: "the id in the body differs from the URL"})
			return
		}
		in.ID = id
		if _, err := h.cfg.Store.Connection(r.Context(), s.tenant, id); err != nil {
			writeErr(w, err)
			return
		}
		status = http.StatusOK
	} else if in.Version != 0 {
		writeJSON(w, http.StatusBadRequest, APIError{Error: "create with version 0; update with PUT"})
		return
	}
	res, err := h.save(r.Context(), s, in)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, status, res)
}

func (h *Handler) apiDelete(w http.ResponseWriter, r *http.Request, s session) {
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: "version query parameter required"})
		return
	}
	if err := h.remove(r.Context(), s, r.PathValue("id"), v); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// RunRequest holds pasted tokens or attributes for "Run".
type RunRequest struct {
	IDToken     map[string]any      `json:"idToken,omitempty"`
	AccessToken map[string]any      `json:"accessToken,omitempty"`
	UserInfo    map[string]any      `json:"userInfo,omitempty"`
	SAML        map[string][]string `json:"saml,omitempty"`
}

func (h *Handler) run(r *http.Request, s session, id string, in RunRequest) (policy.Report, error) {
	if h.cfg.SSO == nil {
		return policy.Report{}, errNoSSO
	}
	if _, err := h.cfg.Store.Connection(r.Context(), s.tenant, id); err != nil {
		return policy.Report{}, err
	}
	return h.cfg.SSO.DryRun(r.Context(), s.tenant, id, policy.Documents{IDToken: in.IDToken,
		AccessToken: in.AccessToken, UserInfo: in.UserInfo, SAML: in.SAML})
}

var errNoSSO = errors.New("setup: Config.SSO is not set, so expressions cannot run here")

func (h *Handler) apiRun(w http.ResponseWriter, r *http.Request, s session) {
	var in RunRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: "malformed JSON: " + err.Error()})
		return
	}
	rep, err := h.run(r, s, r.PathValue("id"), in)
	if errors.Is(err, errNoSSO) {
		writeJSON(w, http.StatusNotImplemented, APIError{Error: err.Error()})
		return
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// SCIMTokenResult shows a new SCIM token once.
type SCIMTokenResult struct {
	Token   string `json:"token"`
	BaseURL string `json:"baseUrl"`
}

func (h *Handler) apiSCIMRotate(w http.ResponseWriter, r *http.Request, s session) {
	if h.cfg.SCIMTokens == nil {
		writeJSON(w, http.StatusNotImplemented, APIError{Error: "SCIM is not enabled"})
		return
	}
	tok, err := h.cfg.SCIMTokens.RotateSCIMToken(r.Context(), s.tenant)
	if err != nil {
		writeErr(w, err)
		return
	}
	h.audit(r.Context(), s, "scim.token.rotate", "", nil)
	writeJSON(w, http.StatusCreated, SCIMTokenResult{Token: tok, BaseURL: h.cfg.SCIMBaseURL})
}

func (h *Handler) apiSCIMRevoke(w http.ResponseWriter, r *http.Request, s session) {
	if h.cfg.SCIMTokens == nil {
		writeJSON(w, http.StatusNotImplemented, APIError{Error: "SCIM is not enabled"})
		return
	}
	if err := h.cfg.SCIMTokens.RevokeSCIMToken(r.Context(), s.tenant); err != nil {
		writeErr(w, err)
		return
	}
	h.audit(r.Context(), s, "scim.token.revoke", "", nil)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) apiAudit(w http.ResponseWriter, r *http.Request, s session) {
	ev, err := h.cfg.Audit.List(r.Context(), s.tenant, 100)
	if err != nil {
		writeErr(w, err)
		return
	}
	if ev == nil {
		ev = []AuditEvent{}
	}
	writeJSON(w, http.StatusOK, ev)
}

// decodeRun reads the pasted documents of the "Run" form: a JSON object
// with idToken, accessToken, userInfo and saml members, or a bare JSON
// object of ID token claims.
func decodeRun(s string, in *RunRequest) error {
	if len(s) > maxBodyBytes {
		return errors.New("setup: the pasted claims are too large")
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &probe); err != nil {
		return errors.New("setup: paste a JSON object of claims")
	}
	_, a := probe["idToken"]
	_, b := probe["accessToken"]
	_, c := probe["userInfo"]
	_, d := probe["saml"]
	if a || b || c || d {
		if err := json.Unmarshal([]byte(s), in); err != nil {
			return errors.New("setup: idToken, accessToken and userInfo must be objects; saml an object of string lists")
		}
		return nil
	}
	return json.Unmarshal([]byte(s), &in.IDToken)
}

func (h *Handler) apiSCIMRequests(w http.ResponseWriter, r *http.Request, s session) {
	out := []SCIMRequest{}
	if h.cfg.SCIMRequests != nil {
		l, err := h.cfg.SCIMRequests(r.Context(), s.tenant, 100)
		if err != nil {
			writeErr(w, err)
			return
		}
		out = append(out, l...)
	}
	writeJSON(w, http.StatusOK, out)
}
