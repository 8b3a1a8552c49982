package sso

import (
	"html/template"
	"net/http"
)

// ErrorRenderer writes the page of a failed login. It receives the
// classified error; only e.Code and e.Message are safe to show.
type ErrorRenderer interface {
	RenderError(w http.ResponseWriter, r *http.Request, e *Error)
}

// ErrorFunc adapts a function to [ErrorRenderer].
type ErrorFunc func(w http.ResponseWriter, r *http.Request, e *Error)

// RenderError calls f.
func (f ErrorFunc) RenderError(w http.ResponseWriter, r *http.Request, e *Error) { f(w, r, e) }

// DefaultErrorPage renders a plain HTML page with the message and code.
// It shows nothing from the request.
type DefaultErrorPage struct{}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body>
<h1>Sign-in failed</h1><p>{{.Message}}</p><p><small>Error code: {{.Code}}</small></p>
</body></html>`))

// RenderError implements [ErrorRenderer].
func (DefaultErrorPage) RenderError(w http.ResponseWriter, _ *http.Request, e *Error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(e.Status())
	_ = errorPage.Execute(w, struct {
		Message string
		Code    Code
	}{e.Message, e.Code})
}

// fail logs a failed login and renders the error page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, tenant, conn string, id *Identity, err error) {
	e := classify(err)
	h.auditFailure(r.Context(), tenant, conn, id, e)
	h.cfg.ErrorPage.RenderError(w, r, e)
}
