package main

import (
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/internal/syncbuf"
)

// startDemo runs the demo on a free loopback port for one test.
func startDemo(t *testing.T) (*app, *syncbuf.Buffer) {
	t.Helper()
	return startDemoWith(t, nil)
}

// startDemoWith runs the demo with resolver answering its DNS lookups.
func startDemoWith(t *testing.T, resolver domains.Resolver) (*app, *syncbuf.Buffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncbuf.Buffer{}
	a, err := newApp(l, appConfig{Logger: slog.New(slog.NewTextHandler(logs, nil)), Resolver: resolver})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, logs
}

// browser is an HTTP client with a cookie jar that follows redirects.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar}}
}

func (b *browser) do(resp *http.Response, err error) (*http.Response, string) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	return b.do(b.c.Get(u))
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.do(b.c.PostForm(u, form))
}

// link returns the unescaped href of the first <a> with class cls whose
// text contains text, resolved against base.
func (b *browser) link(base *url.URL, body, cls, text string) string {
	b.t.Helper()
	re := regexp.MustCompile(`<a class="button ` + cls + `" href="([^"]*)">([^<]*)`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if strings.Contains(html.UnescapeString(m[2]), text) {
			u, err := base.Parse(html.UnescapeString(m[1]))
			if err != nil {
				b.t.Fatal(err)
			}
			return u.String()
		}
	}
	b.t.Fatalf("no %q link with %q in:\n%s", cls, text, body)
	return ""
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	formInput  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// submitAutoPost does what the SAML IdP's auto-submitting page does in a
// browser: post its hidden fields to its action.
func (b *browser) submitAutoPost(body string) (*http.Response, string) {
	b.t.Helper()
	m := formAction.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no auto-post form in:\n%s", body)
	}
	form := url.Values{}
	for _, in := range formInput.FindAllStringSubmatch(body, -1) {
		form.Set(in[1], html.UnescapeString(in[2]))
	}
	return b.post(html.UnescapeString(m[1]), form)
}

// wantOnMe checks that the browser landed on /me and the page shows want.
func wantOnMe(t *testing.T, resp *http.Response, body string, want ...string) {
	t.Helper()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/me" {
		t.Fatalf("landed on %d %s, want 200 /me:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("/me does not show %q:\n%s", w, body)
		}
	}
}

// submitPartner posts the partner page's form for email back to the page.
func (b *browser) submitPartner(page *url.URL, body, email string) (*http.Response, string) {
	b.t.Helper()
	re := regexp.MustCompile(`(?s)<form method="post"><input type="hidden" name="return_to" value="([^"]*)">\s*` +
		`<input type="hidden" name="email" value="` + regexp.QuoteMeta(email) + `">`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no partner form for %s in:\n%s", email, body)
	}
	return b.post(page.String(), url.Values{"email": {email}, "return_to": {html.UnescapeString(m[1])}})
}
