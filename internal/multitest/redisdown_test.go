package multitest_test

import (
	"net/url"
	"syscall"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sso"
)

// TestRedisDownFailsClosedAndRecovers stops the shared redis-server in the
// middle of a run: logins at every instance fail closed with
// temporarily_unavailable (no replay check is skipped, no session starts),
// a stalled server times out instead of hanging, and after a restart on
// the same port logins work again without restarting the instances.
func TestRedisDownFailsClosedAndRecovers(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.start("A"), f.start("B")
	loggedIn := func(who string, p *proc) {
		t.Helper()
		br := newBrowser(t).via(p)
		resp, body := br.get(baseURL + "/itglue/jwt?" + url.Values{"jwt": {mint(t)}}.Encode())
		wantLoggedIn(t, who+" jwt", resp, body)
		resp, body = br.get(f.oidcCallback(br.startLogin("/acme/login?connection=okta"), "sub-ann"))
		wantLoggedIn(t, who+" oidc", resp, body)
	}
	refused := func(who string, p *proc) {
		t.Helper()
		before := len(p.find("LOGIN "))
		br := newBrowser(t).via(p)
		resp, body := br.get(baseURL + "/itglue/jwt?" + url.Values{"jwt": {mint(t)}}.Encode())
		wantError(t, who+" jwt", resp, body, sso.CodeUnavailable)
		resp, body = br.get(f.oidcCallback(br.startLogin("/acme/login?connection=okta"), "sub-ann"))
		wantError(t, who+" oidc", resp, body, sso.CodeUnavailable)
		form := f.samlForm(br.startLogin("/acme/login?connection=entra-saml"))
		resp, body = br.postForm(baseURL+"/acme/saml/acs", form)
		wantError(t, who+" saml", resp, body, sso.CodeUnavailable)
		if after := len(p.find("LOGIN ")); after != before {
			t.Errorf("%s started %d sessions while Redis was down", who, after-before)
		}
	}

	t.Run("logins work with Redis up", func(t *testing.T) {
		loggedIn("A", a)
		loggedIn("B", b)
	})
	t.Run("Redis killed: every login fails closed (temporarily_unavailable)", func(t *testing.T) {
		f.redis.Stop()
		refused("A", a)
		refused("B", b)
	})
	t.Run("Redis back on the same port: logins work again", func(t *testing.T) {
		f.redis.Start()
		loggedIn("A", a)
		loggedIn("B", b)
	})
	t.Run("Redis stalled (SIGSTOP): logins time out and fail closed instead of hanging", func(t *testing.T) {
		if err := f.redis.Process().Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		resumed := false
		resume := func() {
			if !resumed {
				resumed = true
				_ = f.redis.Process().Signal(syscall.SIGCONT)
			}
		}
		defer resume()
		br := newBrowser(t).via(a) // its client gives up after 10s; the instance's Redis timeout is 500ms
		resp, body := br.get(baseURL + "/itglue/jwt?" + url.Values{"jwt": {mint(t)}}.Encode())
		wantError(t, "A jwt", resp, body, sso.CodeUnavailable)
		resume()
		loggedIn("A", a)
	})
}

func mint(t *testing.T) string {
	t.Helper()
	tok, err := jwtsso.Minter{Secret: []byte(partnerKey)}.Mint(jwtsso.Token{Email: "someone@itglue.example"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
