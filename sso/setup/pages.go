package setup

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/sso"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageTmpl = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"errFor": errFor,
	"list":   func(s ...string) []string { return s },
}).ParseFS(templateFS, "templates/*.html"))

// shown is a secret displayed once.
type shown struct{ Label, Value string }

type pageData struct {
	Tenant, CSRF, Notice, FormError, Base string
	Values                                SPValues
	SCIM                                  bool
	SCIMBaseURL                           string
	Connections                           []ConnectionView
	Guides                                []guide
	Guide                                 *guide
	Form                                  *formConn
	Problems                              []APIProblem
	Shown                                 []shown
	Run                                   *policy.Report
	RunConn                               string
	Last                                  []sso.DebugRecord
	Audit                                 []AuditEvent
	Test                                  *TestResult
	TestACSURL                            string
	RedirectBase                          string
	TestRedirectURI                       string
	SCIMLog                               []SCIMRequest
	// DomainsOn shows the domains section; DomainInput keeps a refused
	// name in its field.
	DomainsOn   bool
	Domains     []DomainView
	DomainInput string
	// Enforcement is the tenant's enforcement and break-glass setting.
	Enforcement TenantView
}

// errFor returns the messages of the problems at field or below it.
func errFor(ps []APIProblem, field string) string {
	var msgs []string
	for _, p := range ps {
		if p.Field == field || strings.HasPrefix(p.Field, field+".") || strings.HasPrefix(p.Field, field+"[") {
			msgs = append(msgs, p.Message)
		}
	}
	return strings.Join(msgs, "; ")
}

// render builds the page around d, filling what every page shows.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, s session, status int, d *pageData) {
	ctx := r.Context()
	d.Tenant, d.CSRF, d.Guides, d.Base = s.tenant, h.csrfToken(s), guides, h.base
	d.Values, d.SCIM, d.SCIMBaseURL = h.values(s.tenant, ""), h.cfg.SCIMTokens != nil, h.cfg.SCIMBaseURL
	cs, err := h.list(ctx, s.tenant)
	if err != nil {
		http.Error(w, "setup: cannot read connections", http.StatusInternalServerError)
		return
	}
	for _, c := range cs {
		d.Connections = append(d.Connections, h.view(ctx, s.tenant, c))
		if h.cfg.SSO != nil {
			if rec, ok := h.cfg.SSO.LastClaims(s.tenant, c.ID); ok {
				d.Last = append(d.Last, rec)
			}
		}
	}
	d.Audit, _ = h.cfg.Audit.List(ctx, s.tenant, 50)
	d.TestACSURL, d.TestRedirectURI = h.testACSURL(), h.testCallbackURL()
	d.RedirectBase = h.ssoBase + "/" + url.PathEscape(s.tenant) + "/oidc/callback/"
	if h.cfg.SCIMRequests != nil {
		d.SCIMLog, _ = h.cfg.SCIMRequests(ctx, s.tenant, 20)
	}
	if d.Enforcement, err = h.tenantView(ctx, s.tenant); err != nil {
		http.Error(w, "setup: cannot read the tenant's settings", http.StatusInternalServerError)
		return
	}
	if d.DomainsOn = h.cfg.Domains != nil; d.DomainsOn {
		if d.Domains, err = h.domainViews(ctx, s.tenant); err != nil {
			http.Error(w, "setup: cannot read domains", http.StatusInternalServerError)
			return
		}
	}
	if d.Form == nil {
		if id := r.URL.Query().Get("edit"); id != "" {
			for _, v := range d.Connections {
				if v.ID == id {
					f := toForm(v)
					d.Form = &f
				}
			}
		}
	}
	if d.Form == nil {
		f := formConn{New: true, Kind: "saml"}
		for i, g := range guides {
			if g.Key == r.URL.Query().Get("idp") {
				d.Guide = &guides[i]
				f.Kind = g.Kind
			}
		}
		d.Form = &f
	}
	if d.Form.ID != "" {
		d.Values = h.values(s.tenant, d.Form.ID)
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		http.Error(w, "setup: cannot render the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (h *Handler) pageIndex(w http.ResponseWriter, r *http.Request, s session) {
	h.render(w, r, s, http.StatusOK, &pageData{})
}

func (h *Handler) pageSave(w http.ResponseWriter, r *http.Request, s session) {
	in, f := fromForm(r.PostForm)
	if !f.New {
		if _, err := h.cfg.Store.Connection(r.Context(), s.tenant, in.ID); err != nil {
			h.pageError(w, r, s, err, &pageData{Form: &f})
			return
		}
	} else {
		in.Version = 0
	}
	res, err := h.save(r.Context(), s, in)
	if err != nil {
		h.pageError(w, r, s, err, &pageData{Form: &f})
		return
	}
	f = toForm(res.Connection)
	d := &pageData{Form: &f, Notice: "Saved " + res.Connection.ID + " (version " + strconv.FormatInt(res.Connection.Version, 10) + ")."}
	if res.Certificate != "" {
		d.Shown = append(d.Shown, shown{"Certificate to upload to the identity provider", res.Certificate})
	}
	if res.SharedSecret != "" {
		d.Shown = append(d.Shown, shown{"SSO key (shown once: copy it now)", res.SharedSecret})
	}
	h.render(w, r, s, http.StatusOK, d)
}

func (h *Handler) pageError(w http.ResponseWriter, r *http.Request, s session, err error, d *pageData) {
	status, body := errorStatus(err)
	d.FormError, d.Problems = body.Error, body.Problems
	h.render(w, r, s, status, d)
}

func (h *Handler) pageDelete(w http.ResponseWriter, r *http.Request, s session) {
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err := h.remove(r.Context(), s, r.PathValue("id"), v); err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	h.render(w, r, s, http.StatusOK, &pageData{Notice: "Deleted " + r.PathValue("id") + "."})
}

func (h *Handler) pageRun(w http.ResponseWriter, r *http.Request, s session) {
	var in RunRequest
	d := &pageData{RunConn: r.PathValue("id")}
	if err := decodeRun(r.PostFormValue("documents"), &in); err != nil {
		d.FormError = err.Error()
		h.render(w, r, s, http.StatusBadRequest, d)
		return
	}
	rep, err := h.run(r, s, r.PathValue("id"), in)
	if errors.Is(err, errNoSSO) {
		d.FormError = err.Error()
		h.render(w, r, s, http.StatusNotImplemented, d)
		return
	}
	if err != nil {
		h.pageError(w, r, s, err, d)
		return
	}
	d.Run = &rep
	h.render(w, r, s, http.StatusOK, d)
}

func (h *Handler) pageSCIMRotate(w http.ResponseWriter, r *http.Request, s session) {
	if h.cfg.SCIMTokens == nil {
		http.Error(w, "SCIM is not enabled", http.StatusNotImplemented)
		return
	}
	tok, err := h.cfg.SCIMTokens.RotateSCIMToken(r.Context(), s.tenant)
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	h.audit(r.Context(), s, "scim.token.rotate", "", nil)
	h.render(w, r, s, http.StatusOK, &pageData{Notice: "New SCIM token created; the previous one no longer works.",
		Shown: []shown{{"SCIM bearer token (shown once: copy it now)", tok}}})
}

func (h *Handler) pageSCIMRevoke(w http.ResponseWriter, r *http.Request, s session) {
	if h.cfg.SCIMTokens == nil {
		http.Error(w, "SCIM is not enabled", http.StatusNotImplemented)
		return
	}
	if err := h.cfg.SCIMTokens.RevokeSCIMToken(r.Context(), s.tenant); err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	h.audit(r.Context(), s, "scim.token.revoke", "", nil)
	h.render(w, r, s, http.StatusOK, &pageData{Notice: "SCIM token revoked."})
}
