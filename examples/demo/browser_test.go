package main

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

// chromium starts a headless Chromium for one test, with the flags this
// machine needs and a fresh profile. Without Chromium the test skips, but
// in CI (where .ci/setup.d/60-chromium.sh installed it) it fails.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if _, statErr := os.Stat("/usr/bin/chromium"); statErr != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("chromium not found, but CI is set: .ci/setup.d/60-chromium.sh should have installed it")
			}
			t.Skip("chromium not installed (run .ci/setup.d/60-chromium.sh as root); browser test skipped")
		}
		path = "/usr/bin/chromium"
	}
	// A fresh profile. Not t.TempDir: Chromium's helper processes may
	// still write to it while the test's cleanup removes it, which would
	// fail the test, so removal here is best effort.
	profile, err := os.MkdirTemp("", "ssokit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.RemoveAll(profile) != nil {
			_ = os.RemoveAll(profile)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1200, 1400),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	return ctx
}

// screenshotDir is t.TempDir(), or $SSOKIT_SCREENSHOT_DIR to keep the
// screenshots after the test.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("SSOKIT_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

func TestBrowserSignsInWithSSOAndSeesSpacesAndGroups(t *testing.T) {
	ctx := chromium(t)
	a, _ := startDemo(t)
	dir := screenshotDir(t)

	for _, tc := range []struct {
		name, tenant string
		pickUser     bool // the OIDC front door asks who you are
		email        string
		spaces       []string
		groups       []string
	}{
		{"OpenID Connect in tenant acme", "acme", true, "ann@acme.example",
			[]string{"DevOps\tSpace Developer", "Trial\tSpace Member"}, []string{"platform-team"}},
		{"SAML in tenant globex", "globex", false, "carol@globex.example",
			[]string{"Trial\tSpace Admin", "DevOps\tSpace Developer", "Production\tSpace Member"},
			[]string{"platform-team", "finance", "billing:read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var loginPNG, png []byte
			var email, spaces, groups string
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(a.URL + "/t/" + tc.tenant + "/login"),
				chromedp.WaitVisible(chromedp.CSS("a.sso")),
				into(&loginPNG, chromedp.CaptureScreenshot()),
				chromedp.Click(chromedp.CSS("a.sso")),
			}
			if tc.pickUser {
				steps = append(steps, chromedp.WaitVisible(chromedp.CSS("a.user")),
					chromedp.Click(chromedp.CSS("a.user")))
			}
			steps = append(steps,
				chromedp.WaitVisible(chromedp.ID("spaces")),
				into(&email, chromedp.Text(chromedp.ID("email"))),
				into(&spaces, chromedp.Text(chromedp.ID("spaces"))),
				into(&groups, chromedp.Text(chromedp.ID("groups"))),
				into(&png, chromedp.FullScreenshot(100)),
				chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), // sign out for the next case
				chromedp.WaitNotPresent(chromedp.ID("spaces")),
			)
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatalf("browser: %v", err)
			}
			if email != tc.email {
				t.Errorf("signed in as %q, want %q", email, tc.email)
			}
			for _, s := range tc.spaces {
				if !strings.Contains(spaces, s) {
					t.Errorf("spaces section lacks %q:\n%s", s, spaces)
				}
			}
			for _, g := range tc.groups {
				if !strings.Contains(groups, g) {
					t.Errorf("groups section lacks %q:\n%s", g, groups)
				}
			}
			saveScreenshot(t, filepath.Join(dir, "demo-"+tc.tenant+"-login.png"), loginPNG)
			saveScreenshot(t, filepath.Join(dir, "demo-"+tc.tenant+"-me.png"), png)
		})
	}
}

// into runs the action a and stores its value in *dst, so that actions
// which return a value can run in one chromedp.Do sequence with the
// clicks and waits between them.
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

// saveScreenshot writes a PNG screenshot and checks that it is one.
func saveScreenshot(t *testing.T, file string, png []byte) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot %s is not a PNG (%d bytes)", file, len(png))
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}
