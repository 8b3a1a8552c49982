package setup_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ssokit/ssokit/internal/browsertest"
)

func TestBrowserSetupThenSSO(t *testing.T) {
	ctx := browsertest.Chromium(t, chromedp.Flag("ignore-certificate-errors", true)) // the OpenID provider serves a test certificate
	dir := t.TempDir()
	if d := os.Getenv("SSOKIT_SCREENSHOT_DIR"); d != "" {
		dir = d
	}

	t.Run("SAML by metadata URL with a test login", func(t *testing.T) {
		e := newEnv(t)
		e.now = time.Now()
		idp := newSAMLIdP(t)
		idp.SPEntityID = e.srv.URL + "/sso/acme/saml/metadata"
		idp.ACSURL = e.srv.URL + "/setup/test/saml/acs" // the admin added the test ACS too
		link, err := e.setup.NewLink("acme", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var guidePNG, savedPNG, testPNG, userPNG []byte
		var notice, attrs, decisions, signedIn string
		err = chromedp.Do(ctx,
			chromedp.Navigate(link),
			chromedp.WaitVisible(chromedp.ID("pick")),
			chromedp.Click(chromedp.CSS(`a[href$="?idp=okta"]`)),
			chromedp.WaitVisible(chromedp.ID("guide")),
			browsertest.Into(&guidePNG, chromedp.FullScreenshot(100)),
			chromedp.SetValue(chromedp.CSS(`input[name="id"]`), "okta"),
			chromedp.SetValue(chromedp.CSS(`select[name="provisioning"]`), "jit"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.metadataUrl"]`), idp.URL+"/metadata"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.claimMapping.groups"]`), "department"),
			chromedp.SetValue(chromedp.CSS(`textarea[name="mapping.permissions"]`), "Engineering = deploy"),
			chromedp.Click(chromedp.ID("save")),
			chromedp.WaitVisible(chromedp.ID("notice")),
			browsertest.Into(&notice, chromedp.Text(chromedp.ID("notice"))),
			browsertest.Into(&savedPNG, chromedp.FullScreenshot(100)),
			chromedp.Click(chromedp.CSS("a.test-login")),
			chromedp.WaitVisible(chromedp.ID("test-attributes")),
			browsertest.Into(&attrs, chromedp.Text(chromedp.ID("test-attributes"))),
			browsertest.Into(&decisions, chromedp.Text(chromedp.ID("test-decisions"))),
			browsertest.Into(&testPNG, chromedp.FullScreenshot(100)),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		if !strings.Contains(notice, "Saved okta") {
			t.Errorf("notice %q", notice)
		}
		if !strings.Contains(attrs, "department") || !strings.Contains(attrs, "Engineering") {
			t.Errorf("received attributes:\n%s", attrs)
		}
		if !strings.Contains(decisions, "granted") || !strings.Contains(decisions, "deploy") {
			t.Errorf("mapping explanation:\n%s", decisions)
		}
		idp.ACSURL = e.srv.URL + "/sso/acme/saml/acs"
		err = chromedp.Do(ctx,
			chromedp.Navigate(e.srv.URL+"/sso/acme/login?connection=okta"),
			chromedp.WaitVisible(chromedp.ID("signed-in")),
			browsertest.Into(&signedIn, chromedp.Text(chromedp.ID("signed-in"))),
			browsertest.Into(&userPNG, chromedp.FullScreenshot(100)),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		if !strings.Contains(signedIn, "signed in as") {
			t.Errorf("user page %q", signedIn)
		}
		browsertest.SavePNG(t, dir, "saml-1-guide.png", guidePNG)
		browsertest.SavePNG(t, dir, "saml-2-saved.png", savedPNG)
		browsertest.SavePNG(t, dir, "saml-3-test-login.png", testPNG)
		browsertest.SavePNG(t, dir, "saml-4-user-signed-in.png", userPNG)
	})

	t.Run("OpenID Connect by discovery endpoint", func(t *testing.T) {
		e := newEnv(t)
		e.now = time.Now()
		redirect := e.srv.URL + "/sso/acme/oidc/callback/corp"
		op := newOIDCProvider(t, func() string { return redirect }, e.srv.URL+"/setup/test/oidc/callback")
		e.idp = op.Client().Transport
		link, err := e.setup.NewLink("acme", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var savedPNG, testPNG, lastPNG []byte
		var notice, redirectShown, signedIn, last, claims string
		err = chromedp.Do(ctx,
			chromedp.Navigate(link),
			chromedp.WaitVisible(chromedp.ID("pick")),
			chromedp.Click(chromedp.CSS(`a[href$="?idp=oidc"]`)),
			chromedp.WaitVisible(chromedp.ID("guide")),
			chromedp.SetValue(chromedp.CSS(`input[name="id"]`), "corp"),
			chromedp.SetValue(chromedp.CSS(`select[name="provisioning"]`), "jit"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.discoveryEndpoint"]`), op.Issuer()),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.clientId"]`), "app"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.clientSecret"]`), "app-secret-1234567890"),
			chromedp.Click(chromedp.ID("save")),
			chromedp.WaitVisible(chromedp.ID("notice")),
			browsertest.Into(&notice, chromedp.Text(chromedp.ID("notice"))),
			browsertest.Into(&redirectShown, chromedp.Text(chromedp.ID("values"))),
			browsertest.Into(&savedPNG, chromedp.FullScreenshot(100)),
			chromedp.Click(chromedp.CSS("a.test-login")),
			chromedp.WaitVisible(chromedp.ID("test-attributes")),
			browsertest.Into(&claims, chromedp.Text(chromedp.ID("test-attributes"))),
			browsertest.Into(&testPNG, chromedp.FullScreenshot(100)),
			chromedp.Navigate(e.srv.URL+"/sso/acme/login?connection=corp"),
			chromedp.WaitVisible(chromedp.ID("signed-in")),
			browsertest.Into(&signedIn, chromedp.Text(chromedp.ID("signed-in"))),
			chromedp.Navigate(e.srv.URL+"/setup/"),
			chromedp.WaitVisible(chromedp.CSS(".last-login")),
			browsertest.Into(&last, chromedp.Text(chromedp.CSS(".last-login"))),
			browsertest.Into(&lastPNG, chromedp.FullScreenshot(100)),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		if !strings.Contains(notice, "Saved corp") || !strings.Contains(signedIn, "signed in as") {
			t.Errorf("notice %q, user page %q", notice, signedIn)
		}
		if !strings.Contains(last, "ada@acme.example") || strings.Contains(last, "app-secret") {
			t.Errorf("last login claims:\n%s", last)
		}
		browsertest.SavePNG(t, dir, "oidc-1-saved.png", savedPNG)
		if !strings.Contains(claims, "IDTOKEN") || !strings.Contains(claims, "ada@acme.example") {
			t.Errorf("test login claims:\n%s", claims)
		}
		if !strings.Contains(redirectShown, redirect) {
			t.Errorf("the page does not show the redirect URI %s:\n%s", redirect, redirectShown)
		}
		browsertest.SavePNG(t, dir, "oidc-2-test-login.png", testPNG)
		browsertest.SavePNG(t, dir, "oidc-3-last-login.png", lastPNG)
	})
}
