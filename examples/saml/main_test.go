package main

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/ssotest"
)

var hidden = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

func TestLoginEndsSignedIn(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ann@acme.example", Attributes: []ssotest.SAMLAttribute{
		{Name: "email", Values: []string{"ann@acme.example"}}, {Name: "name", Values: []string{"Ann Lee"}}}})
	defer idp.Close()
	idp.SPEntityID, idp.ACSURL = base+"/sso/acme/saml/metadata", base+"/sso/acme/saml/acs"
	var err error
	if srv.Config.Handler, err = newHandler(base, idp.Metadata()); err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(base + "/sso/acme/login")
	page := read(t, resp, err) // the IdP's auto-posting form
	form := url.Values{}
	for _, m := range hidden.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	resp, err = browser.PostForm(idp.ACSURL, form)
	if body := read(t, resp, err); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" ||
		!strings.Contains(body, "signed in") {
		t.Fatalf("login ended at %d %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
}

func read(t *testing.T, resp *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
