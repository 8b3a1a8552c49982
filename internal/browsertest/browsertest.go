package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium starts a headless Chromium for one test and returns a chromedp
// context for it, cancelled at cleanup. extra options are added to the
// defaults (for example chromedp.Flag("ignore-certificate-errors", true)
// for a provider serving a test certificate).
func Chromium(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := lookChromium(t)
	// Not t.TempDir: Chromium's helper processes may still write to the
	// profile while cleanup removes it, which would fail the test, so
	// removal is best effort.
	profile, err := os.MkdirTemp("", "ssokit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.RemoveAll(profile) != nil {
			_ = os.RemoveAll(profile)
		}
	})
	opts := append([]chromedp.ExecAllocatorOption{
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
	}, extra...)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	return ctx
}

func lookChromium(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath("chromium"); err == nil {
		return path
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found, but CI is set: .ci/setup.d/60-chromium.sh should have installed it")
	}
	t.Skip("chromium not installed (run .ci/setup.d/60-chromium.sh as root); browser test skipped")
	return ""
}

// Into runs the action a and stores its value in *dst, so that actions
// which return a value can run in one chromedp.Do sequence with the clicks
// and waits between them.
func Into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		*dst = v
		return chromedp.Void{}, nil
	}
}

// ScreenshotDir is t.TempDir(), or $SSOKIT_SCREENSHOT_DIR to keep the
// screenshots after the test.
func ScreenshotDir(t *testing.T) string {
	if d := os.Getenv("SSOKIT_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

// SavePNG writes a screenshot into dir and checks that it is a PNG.
func SavePNG(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}
