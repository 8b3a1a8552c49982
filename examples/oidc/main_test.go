package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/ssotest"
)

func TestLoginEndsSignedIn(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "app-secret", RedirectURIs: []string{base + "/sso/acme/oidc/callback/oidc"}}},
		Users:   []ssotest.OIDCUser{{Subject: "u1", Email: "ann@acme.example", Name: "Ann Lee"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	op.Start()
	defer op.Close()
	if srv.Config.Handler, err = newHandler(base, op.Issuer(), op.Client()); err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: op.Client().Transport} // trusts the provider's certificate
	resp, err := browser.Get(base + "/sso/acme/login")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" || !strings.Contains(string(body), "signed in") {
		t.Fatalf("login ended at %d %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
}
