package browsertest_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ssokit/ssokit/internal/browsertest"
)

// A browser test opens a page, reads it and keeps a screenshot. (Compiled,
// not run: it needs the test's *testing.T and Chromium.)
func ExampleChromium() {
	var t *testing.T // the test's own
	ctx := browsertest.Chromium(t)
	var title string
	var png []byte
	err := chromedp.Do(ctx,
		chromedp.Navigate("http://127.0.0.1:8080/"),
		browsertest.Into(&title, chromedp.Title()),
		browsertest.Into(&png, chromedp.CaptureScreenshot()),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.SavePNG(t, browsertest.ScreenshotDir(t), "home.png", png)
}
