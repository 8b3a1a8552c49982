package multitest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/sso"
)

// TestThreeInstancesShareOneTruth starts three instances as separate OS
// processes on one redis-server and shows that replay state is shared and
// that a login's round-trip state needs no store.
func TestThreeInstancesShareOneTruth(t *testing.T) {
	f := newFixture(t, nil)
	a, b, c := f.start("A"), f.start("B"), f.start("C")

	t.Run("a SAML assertion accepted at A is refused at B", func(t *testing.T) {
		br := newBrowser(t).via(a)
		form := f.samlForm(br.startLogin("/acme/login?connection=entra-saml"))
		acs, _ := url.Parse(baseURL + "/acme/saml/acs")
		stateCookies := br.c.Jar.Cookies(acs) // an attacker who also kept the state cookie
		resp, body := br.postForm(acs.String(), form)
		wantLoggedIn(t, "A", resp, body)

		attacker := newBrowser(t).via(b)
		attacker.c.Jar.SetCookies(acs, stateCookies)
		resp, body = attacker.postForm(acs.String(), form)
		wantError(t, "B", resp, body, sso.CodeReplayed)
		if n := len(b.find("LOGIN ")); n != 0 {
			t.Fatalf("B started %d sessions for a replayed assertion", n)
		}
	})

	t.Run("a JWT jti used at B is refused at C", func(t *testing.T) {
		tok, err := jwtsso.Minter{Secret: []byte(partnerKey)}.Mint(jwtsso.Token{Email: "someone@itglue.example"})
		if err != nil {
			t.Fatal(err)
		}
		target := baseURL + "/itglue/jwt?" + url.Values{"jwt": {tok}}.Encode()
		resp, body := newBrowser(t).via(b).get(target)
		wantLoggedIn(t, "B", resp, body)
		resp, body = newBrowser(t).via(c).get(target)
		wantError(t, "C", resp, body, sso.CodeReplayed)
		if n := len(c.find("LOGIN ")); n != 0 {
			t.Fatalf("C started %d sessions for a replayed jti", n)
		}
		// Control: a fresh token from the same partner is accepted at C,
		// so the refusal above is the replay rule, not a broken C.
		fresh, err := jwtsso.Minter{Secret: []byte(partnerKey)}.Mint(jwtsso.Token{Email: "someone@itglue.example"})
		if err != nil {
			t.Fatal(err)
		}
		resp, body = newBrowser(t).via(c).get(baseURL + "/itglue/jwt?" + url.Values{"jwt": {fresh}}.Encode())
		wantLoggedIn(t, "C", resp, body)
	})

	t.Run("an OIDC login started at A completes at C", func(t *testing.T) {
		br := newBrowser(t).via(a)
		authURL := br.startLogin("/acme/login?connection=okta&return_to=/projects")
		callback := f.oidcCallback(authURL, "sub-ann")
		if !strings.HasPrefix(callback, baseURL+"/acme/oidc/callback/okta?") {
			t.Fatalf("callback %q", callback)
		}
		before := len(a.find("LOGIN "))
		cbURL, _ := url.Parse(callback)
		kept := br.c.Jar.Cookies(cbURL) // an attacker who also kept the state cookie
		resp, body := br.via(c).get(callback)
		wantLoggedIn(t, "C", resp, body)
		if loc := resp.Header.Get("Location"); loc != "https://lb.test/projects" {
			t.Errorf("redirect to %q, want the return_to given at A", loc)
		}
		if got := c.waitLines("LOGIN ", 2); len(got) != 2 || !strings.HasSuffix(got[1], " acme/okta") {
			t.Errorf("C's logins = %q, want the OIDC one last", got)
		}
		if len(a.find("LOGIN ")) != before {
			t.Error("A completed the login it only started")
		}
		// The same callback (same code, same state cookie) replayed at B fails.
		attacker := newBrowser(t).via(b)
		attacker.c.Jar.SetCookies(cbURL, kept)
		resp, body = attacker.get(callback)
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatalf("a replayed callback logged in at B: %s", body)
		}
	})
}
