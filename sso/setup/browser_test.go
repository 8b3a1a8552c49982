package setup_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium starts a headless Chromium with a fresh profile; without it
// the test skips, unless CI is set.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if _, statErr := os.Stat("/usr/bin/chromium"); statErr != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("chromium not found, but CI is set: .ci/setup.d/60-chromium.sh should have installed it")
			}
			t.Skip("chromium not installed; browser test skipped")
		}
		path = "/usr/bin/chromium"
	}
	profile, err := os.MkdirTemp("", "ssokit-setup-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(profile),
		chromedp.WindowSize(1200, 1400),
		// The in-process OpenID provider serves TLS with a test certificate.
		chromedp.Flag("ignore-certificate-errors", true),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	return ctx
}

func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		*dst = v
		return chromedp.Void{}, nil
	}
}

func savePNG(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot %s is not a PNG", name)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserSetupThenSSO(t *testing.T) {
	ctx := chromium(t)
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
			into(&guidePNG, chromedp.FullScreenshot(100)),
			chromedp.SetValue(chromedp.CSS(`input[name="id"]`), "okta"),
			chromedp.SetValue(chromedp.CSS(`select[name="provisioning"]`), "jit"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.metadataUrl"]`), idp.URL+"/metadata"),
			chromedp.SetValue(chromedp.CSS(`input[name="parameters.claimMapping.groups"]`), "department"),
			chromedp.SetValue(chromedp.CSS(`textarea[name="mapping.permissions"]`), "Engineering = deploy"),
			chromedp.Click(chromedp.ID("save")),
			chromedp.WaitVisible(chromedp.ID("notice")),
			into(&notice, chromedp.Text(chromedp.ID("notice"))),
			into(&savedPNG, chromedp.FullScreenshot(100)),
			chromedp.Click(chromedp.CSS("a.test-login")),
			chromedp.WaitVisible(chromedp.ID("test-attributes")),
			into(&attrs, chromedp.Text(chromedp.ID("test-attributes"))),
			into(&decisions, chromedp.Text(chromedp.ID("test-decisions"))),
			into(&testPNG, chromedp.FullScreenshot(100)),
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
			into(&signedIn, chromedp.Text(chromedp.ID("signed-in"))),
			into(&userPNG, chromedp.FullScreenshot(100)),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		if !strings.Contains(signedIn, "signed in as") {
			t.Errorf("user page %q", signedIn)
		}
		savePNG(t, dir, "saml-1-guide.png", guidePNG)
		savePNG(t, dir, "saml-2-saved.png", savedPNG)
		savePNG(t, dir, "saml-3-test-login.png", testPNG)
		savePNG(t, dir, "saml-4-user-signed-in.png", userPNG)
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
			into(&notice, chromedp.Text(chromedp.ID("notice"))),
			into(&redirectShown, chromedp.Text(chromedp.ID("values"))),
			into(&savedPNG, chromedp.FullScreenshot(100)),
			chromedp.Click(chromedp.CSS("a.test-login")),
			chromedp.WaitVisible(chromedp.ID("test-attributes")),
			into(&claims, chromedp.Text(chromedp.ID("test-attributes"))),
			into(&testPNG, chromedp.FullScreenshot(100)),
			chromedp.Navigate(e.srv.URL+"/sso/acme/login?connection=corp"),
			chromedp.WaitVisible(chromedp.ID("signed-in")),
			into(&signedIn, chromedp.Text(chromedp.ID("signed-in"))),
			chromedp.Navigate(e.srv.URL+"/setup/"),
			chromedp.WaitVisible(chromedp.CSS(".last-login")),
			into(&last, chromedp.Text(chromedp.CSS(".last-login"))),
			into(&lastPNG, chromedp.FullScreenshot(100)),
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
		savePNG(t, dir, "oidc-1-saved.png", savedPNG)
		if !strings.Contains(claims, "IDTOKEN") || !strings.Contains(claims, "ada@acme.example") {
			t.Errorf("test login claims:\n%s", claims)
		}
		if !strings.Contains(redirectShown, redirect) {
			t.Errorf("the page does not show the redirect URI %s:\n%s", redirect, redirectShown)
		}
		savePNG(t, dir, "oidc-2-test-login.png", testPNG)
		savePNG(t, dir, "oidc-3-last-login.png", lastPNG)
	})
}
