package main

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log"
	"net/http"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/sso"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one parsed template per page, each with the shared layout.
type pages struct {
	t map[string]*template.Template
}

func newPages() (*pages, error) {
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range []string{"home.html", "login.html", "me.html", "chooser.html", "partner.html", "domains.html"} {
		t, err := template.ParseFS(templateFiles, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, err
		}
		p.t[name] = t
	}
	return p, nil
}

// render writes the page, or a plain 500 if the template fails.
func (p *pages) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := p.t[name].ExecuteTemplate(&b, "layout", data); err != nil {
		log.Printf("demo: rendering %s: %v", name, err)
		http.Error(w, "page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

type homeData struct {
	URL        string
	Tenants    []string
	SCIMTokens map[string]string
	Session    *session
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	a.pages.render(w, http.StatusOK, "home.html", homeData{URL: a.URL, Tenants: tenantNames,
		SCIMTokens: a.SCIMTokens, Session: a.sessions.get(r)})
}

type loginData struct {
	Tenant    string
	Providers []sso.ProviderInfo
	Email     string
	Error     string
}

func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	a.renderLogin(w, r, http.StatusOK, "", "")
}

func (a *app) renderLogin(w http.ResponseWriter, r *http.Request, status int, email, msg string) {
	tenant, ok := knownTenant(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	providers, err := a.sso.Providers(r.Context(), tenant)
	if err != nil && msg == "" {
		msg = err.Error()
	}
	a.pages.render(w, status, "login.html", loginData{Tenant: tenant, Providers: providers, Email: email, Error: msg})
}

// passwordLogin checks the password, then asks ssokit whether this user
// may use a password in this tenant (not where SSO is required, unless
// the user is a manager).
func (a *app) passwordLogin(w http.ResponseWriter, r *http.Request) {
	tenant, ok := knownTenant(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	email := r.PostFormValue("email")
	u, err := a.accounts.checkPassword(r.Context(), tenant, email, r.PostFormValue("password"))
	if err == nil {
		err = a.sso.CheckPasswordLogin(r.Context(), sso.PasswordRequest{Tenant: tenant, User: *u})
	}
	if err != nil {
		msg := errBadPassword.Error()
		if e := (*sso.Error)(nil); errors.As(err, &e) {
			msg = e.Error()
		}
		a.renderLogin(w, r, http.StatusUnauthorized, email, msg)
		return
	}
	if err := a.sessions.start(w, &session{User: *u}); err != nil {
		http.Error(w, "could not start a session", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}

type meData struct {
	*session
	Claims      []mapping.Entry
	Explanation string
	Held        []heldRow
}

// heldRow is one membership or permission the user holds, with who gave it.
type heldRow struct{ ID, Origin string }

func heldRows(held []groupsync.Held) []heldRow {
	rows := make([]heldRow, 0, len(held))
	for _, h := range held {
		origin := "given by hand"
		if h.Origin == groupsync.OriginIdP {
			origin = "identity provider (synced on login)"
		}
		rows = append(rows, heldRow{ID: h.Grant.String(), Origin: origin})
	}
	return rows
}

// me shows what the last login decided: spaces and roles, groups,
// permissions, the claims received and why.
func (a *app) me(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.get(r)
	if s == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d := meData{session: s, Held: heldRows(a.members.Held(s.User.ID))}
	if s.Login != nil {
		d.Claims = s.Login.Identity.Claims.List()
		d.Explanation = s.Login.Decision.Explain()
	}
	a.pages.render(w, http.StatusOK, "me.html", d)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.sessions.end(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
