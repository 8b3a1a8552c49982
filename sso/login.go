package sso

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
)

// serveLogin starts a login: GET {prefix}/{tenant}/login with optional
// connection, email (home-realm discovery) and return_to.
func (h *Handler) serveLogin(w http.ResponseWriter, r *http.Request) {
	slug, q := r.PathValue("tenant"), r.URL.Query()
	returnTo, err := h.returnTo(q.Get("return_to"))
	if err != nil {
		h.fail(w, r, slug, "", nil, err)
		return
	}
	t, err := h.tenant(r.Context(), slug)
	if err != nil {
		h.fail(w, r, slug, "", nil, err)
		return
	}
	c, err := pickConnection(t, q.Get("connection"), h.verifiedDomain(r.Context(), slug, q.Get("email")))
	if err != nil {
		h.fail(w, r, slug, q.Get("connection"), nil, err)
		return
	}
	if c == nil {
		h.serveChooser(w, r, slug, returnTo)
		return
	}
	cc, err := h.connection(r.Context(), slug, c.ID)
	if err != nil {
		h.fail(w, r, slug, c.ID, nil, err)
		return
	}
	switch {
	case cc.conn.Kind.IsOIDC():
		err = h.startOIDC(w, r, cc, returnTo, q.Get("email"))
	case cc.conn.Kind == KindSAML:
		err = h.startSAML(w, r, cc, returnTo)
	case cc.conn.Kind == KindJWT:
		err = h.startJWT(w, r, cc, returnTo)
	}
	if err != nil {
		h.fail(w, r, slug, c.ID, nil, classify(err))
	}
}

// verifiedDomain returns the domain of the email typed at login start
// when it is verified for the tenant, else "": home-realm discovery
// routes only by verified domains.
func (h *Handler) verifiedDomain(ctx context.Context, tenant, email string) string {
	domain := emailDomain(strings.TrimSpace(email))
	if domain == "" {
		return ""
	}
	if ok, _ := h.verified(ctx, tenant, domain); !ok {
		return ""
	}
	return strings.TrimSuffix(domain, ".")
}

// pickConnection chooses the connection of a login: the one asked for;
// else the one serving the (verified) domain; else the tenant's single
// required connection (auto-redirect); else its single connection. Nil
// means the user must choose.
func pickConnection(t *Tenant, id, domain string) (*Connection, error) {
	var enabled, required, byDomain []*Connection
	for i := range t.Connections {
		c := &t.Connections[i]
		if c.Disabled {
			continue
		}
		c.normalize()
		if id != "" && c.ID == id {
			return c, nil
		}
		enabled = append(enabled, c)
		if c.Required() {
			required = append(required, c)
		}
		if domain != "" && c.servesDomain(domain) {
			byDomain = append(byDomain, c)
		}
	}
	switch {
	case id != "":
		return nil, newError(CodeNotConfigured, errors.New("sso: unknown or disabled connection"))
	case len(enabled) == 0:
		return nil, newError(CodeNotConfigured, errors.New("sso: tenant has no enabled connection"))
	case len(byDomain) == 1:
		return byDomain[0], nil
	case len(required) == 1:
		return required[0], nil
	case len(enabled) == 1:
		return enabled[0], nil
	}
	return nil, nil
}

var chooserPage = template.Must(template.New("chooser").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in with</h1><ul>{{range .}}<li><a href="{{.LoginURL}}">{{.Name}}</a></li>{{end}}</ul>
</body></html>`))

// serveChooser shows one button per enabled connection.
func (h *Handler) serveChooser(w http.ResponseWriter, r *http.Request, slug, returnTo string) {
	ps, err := h.Providers(r.Context(), slug)
	if err != nil {
		h.fail(w, r, slug, "", nil, err)
		return
	}
	for i := range ps {
		ps[i].LoginURL += "&return_to=" + queryEscape(returnTo)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = chooserPage.Execute(w, ps)
}
