package setup

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"time"
)

const (
	linkCookie = "ssokit_setup_link"
	csrfCookie = "ssokit_setup_csrf"
)

// session is who is editing which tenant, with the value CSRF tokens are
// bound to.
type session struct {
	tenant  string
	actor   string
	binding string
}

// errNoAccess answers 401.
var errNoAccess = errors.New("setup: sign in or open a valid setup link")

// serveLink checks a setup link, keeps it in a cookie and sends the
// browser to the setup page: GET link?token=.
func (h *Handler) serveLink(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	_, err := h.ParseLink(tok)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Value: tok, Path: h.cookiePath(),
		HttpOnly: true, Secure: !h.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, h.base+"/", http.StatusSeeOther)
}

func (h *Handler) cookiePath() string {
	if h.prefix == "" {
		return "/"
	}
	return h.prefix
}

// session resolves the tenant of a request: the host's Authorize hook,
// else the setup link cookie. For host sessions it sets a random CSRF
// binding cookie when missing.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (session, error) {
	if h.cfg.Authorize != nil {
		if t, ok := h.cfg.Authorize(r); ok && t != "" {
			s := session{tenant: t, actor: h.actor(r, "host-admin")}
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
				s.binding = "host\x00" + c.Value
				return s, nil
			}
			b := make([]byte, 32)
			if _, err := io.ReadFull(h.cfg.Rand, b); err != nil {
				return session{}, err
			}
			v := base64.RawURLEncoding.EncodeToString(b)
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: h.cookiePath(), HttpOnly: true,
				Secure: !h.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((12 * time.Hour).Seconds())})
			s.binding = "host\x00" + v
			return s, nil
		}
	}
	c, err := r.Cookie(linkCookie)
	if err != nil {
		return session{}, errNoAccess
	}
	l, err := h.ParseLink(c.Value)
	if err != nil {
		return session{}, err
	}
	return session{tenant: l.Tenant, actor: h.actor(r, "setup-link"), binding: "link\x00" + c.Value}, nil
}

func (h *Handler) actor(r *http.Request, def string) string {
	if h.cfg.Actor != nil {
		if a := h.cfg.Actor(r); a != "" {
			return a
		}
	}
	return def
}

// csrfToken is the token forms and API clients echo on every write.
func (h *Handler) csrfToken(s session) string {
	return base64.RawURLEncoding.EncodeToString(h.mac("csrf", s.tenant+"\x00"+s.binding))
}

// checkCSRF compares the request's token (form field csrf or header
// X-CSRF-Token) with the session's in constant time.
func (h *Handler) checkCSRF(r *http.Request, s session) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && hmac.Equal([]byte(got), []byte(h.csrfToken(s)))
}

// authed wraps a route: it resolves the session and, for unsafe methods,
// checks the CSRF token.
func (h *Handler) authed(next func(w http.ResponseWriter, r *http.Request, s session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.session(w, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if h.cfg.ActorContext != nil {
			r = r.WithContext(h.cfg.ActorContext(r.Context(), s.actor))
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
			if !h.checkCSRF(r, s) {
				http.Error(w, "setup: missing or wrong CSRF token; reload the page", http.StatusForbidden)
				return
			}
		}
		next(w, r, s)
	}
}

// maxBodyBytes bounds request bodies (metadata XML is the largest value).
const maxBodyBytes = 1 << 20
