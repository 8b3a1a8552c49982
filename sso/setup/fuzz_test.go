package setup_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// FuzzParseLink feeds hostile setup link tokens: they must be rejected
// with ErrLinkInvalid, never panic, and only a genuinely signed token may
// pass.
func FuzzParseLink(f *testing.F) {
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	h, err := setup.New(setup.Config{BaseURL: "https://app.example/setup", SSOBaseURL: "https://app.example/sso",
		Store: store, LinkKey: bytes.Repeat([]byte("k"), 32), Now: func() time.Time { return t0 },
		Rand: bytes.NewReader(bytes.Repeat([]byte{1}, 1<<16))})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("YWNtZQ.1795435200.AQEBAQEBAQEBAQEB.sig")
	f.Add("....")
	f.Add("YWNtZQ.-1.AA.AA")
	f.Add("YWNtZQ.99999999999999999999.AA.AA")
	f.Fuzz(func(t *testing.T, tok string) {
		l, err := h.ParseLink(tok)
		if err != nil {
			if !errors.Is(err, setup.ErrLinkInvalid) {
				t.Fatalf("error %v does not wrap ErrLinkInvalid", err)
			}
			return
		}
		if l.Tenant == "" || !l.Expires.After(t0) {
			t.Fatalf("accepted %q as %+v", tok, l)
		}
	})
}

// FuzzTestLoginState feeds hostile test login cookies and SAML responses
// to the test ACS: without a genuinely signed state it must answer 400,
// never panic.
func FuzzTestLoginState(f *testing.F) {
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	h, err := setup.New(setup.Config{BaseURL: "https://app.example/setup", SSOBaseURL: "https://app.example/sso",
		Store: store, LinkKey: bytes.Repeat([]byte("k"), 32), Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("YWNtZQ.Y29ycA.aWQ.99999999999.AAAA", "PHNhbWxwOlJlc3BvbnNlLz4")
	f.Add("....", "")
	f.Add("a.b.c.d.e.f", "%%%")
	f.Fuzz(func(t *testing.T, cookie, samlResponse string) {
		req := httptest.NewRequest(http.MethodPost, "https://app.example/setup/test/saml/acs",
			strings.NewReader(url.Values{"SAMLResponse": {samlResponse}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "ssokit_setup_test="+url.QueryEscape(cookie))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("cookie %q answered %d", cookie, rec.Code)
		}
	})
}
