package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ssokit/ssokit/internal/browsertest"
)

func TestBrowserSignsInWithSSOAndSeesSpacesAndGroups(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a, _ := startDemo(t)
	dir := browsertest.ScreenshotDir(t)

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
				browsertest.Into(&loginPNG, chromedp.CaptureScreenshot()),
				chromedp.Click(chromedp.CSS("a.sso")),
			}
			if tc.pickUser {
				steps = append(steps, chromedp.WaitVisible(chromedp.CSS("a.user")),
					chromedp.Click(chromedp.CSS("a.user")))
			}
			steps = append(steps,
				chromedp.WaitVisible(chromedp.ID("spaces")),
				browsertest.Into(&email, chromedp.Text(chromedp.ID("email"))),
				browsertest.Into(&spaces, chromedp.Text(chromedp.ID("spaces"))),
				browsertest.Into(&groups, chromedp.Text(chromedp.ID("groups"))),
				browsertest.Into(&png, chromedp.FullScreenshot(100)),
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
			browsertest.SavePNG(t, dir, "demo-"+tc.tenant+"-login.png", loginPNG)
			browsertest.SavePNG(t, dir, "demo-"+tc.tenant+"-me.png", png)
		})
	}
}
