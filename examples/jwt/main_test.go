package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/ssotest"
)

func TestLogin(t *testing.T) {
	for _, tc := range []struct {
		name, email string
		signedIn    bool
	}{
		{"an existing user ends signed in", "ann@acme.example", true},
		{"an unknown user is refused", "zed@acme.example", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(nil)
			base := "http://" + srv.Listener.Addr().String()
			key, err := jwtsso.GenerateKey(nil)
			if err != nil {
				t.Fatal(err)
			}
			partner := ssotest.NewJWTPartner([]byte(key), tc.email, base+"/sso/acme/jwt")
			defer partner.Close()
			if srv.Config.Handler, err = newHandler(base, key, partner.LoginURL()); err != nil {
				t.Fatal(err)
			}
			srv.Start()
			defer srv.Close()

			jar, _ := cookiejar.New(nil)
			resp, err := (&http.Client{Jar: jar}).Get(base + "/sso/acme/login")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			signedIn := resp.StatusCode == http.StatusOK && resp.Request.URL.Path == "/" &&
				strings.Contains(string(body), "signed in")
			if signedIn != tc.signedIn {
				t.Fatalf("login ended at %d %s, want signed in %v:\n%s", resp.StatusCode, resp.Request.URL, tc.signedIn, body)
			}
		})
	}
}
