package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
)

func TestLoginEndsSignedIn(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	key, err := jwtsso.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Config.Handler, err = newHandler(base, key); err != nil {
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
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" || !strings.Contains(string(body), "signed in") {
		t.Fatalf("login ended at %d %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
}
