package main

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"

	"github.com/ssokit/ssokit/sso"
)

const sessionCookie = "demo_session"

// session is one signed-in browser. Login is the SSO result (nil after a
// password login).
type session struct {
	User  sso.User
	Login *sso.Result
}

// sessions keeps sessions in memory, keyed by a random cookie value.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

func newSessions() *sessions { return &sessions{m: map[string]*session{}} }

// start stores s and sets the session cookie.
func (ss *sessions) start(w http.ResponseWriter, s *session) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	ss.mu.Lock()
	ss.m[id] = s
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	return nil
}

// get returns the request's session, or nil.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.m[c.Value]
}

// end forgets the request's session and clears the cookie.
func (ss *sessions) end(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		ss.mu.Lock()
		delete(ss.m, c.Value)
		ss.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1})
}

// StartSession is ssokit's hand-over after a successful SSO login.
func (ss *sessions) StartSession(w http.ResponseWriter, _ *http.Request, res *sso.Result) error {
	return ss.start(w, &session{User: res.User, Login: res})
}
