package sso_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

// Logins in parallel browsers share the compiled connection and the
// stores; run with -race.
func TestConcurrentLogins(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.Provisioning, c.GroupSync = sso.JIT, "strict"
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}}})
	const n = 8
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			b := e.newBrowser()
			resp, err := b.Get(e.srv.URL + "/sso/acme/login")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			cb, err := e.op.Authorize(t.Context(), resp.Header.Get("Location"))
			if err != nil {
				t.Error(err)
				return
			}
			resp, err = b.Get(cb.String())
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusSeeOther {
			t.Errorf("login %d: status %d", i, code)
		}
	}
	ids := map[string]bool{}
	for _, r := range e.sessions {
		ids[r.User.ID] = true
	}
	if len(ids) != 1 {
		t.Errorf("one person's concurrent first logins made %d users", len(ids))
	}
	if e.h.Compilations() > n {
		t.Errorf("compiled %d times", e.h.Compilations())
	}
}
