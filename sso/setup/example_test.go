package setup_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// A vendor sends a customer's IT admin a setup link for one tenant.
func Example() {
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	h, err := setup.New(setup.Config{
		BaseURL:    "https://app.example.com/admin/sso-setup",
		SSOBaseURL: "https://app.example.com/sso",
		Store:      store,
		LinkKey:    bytes.Repeat([]byte{7}, 32), // from the host's secret manager
		Now:        func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	link, _ := h.NewLink("acme", 72*time.Hour)
	u, _ := url.Parse(link)
	l, _ := h.ParseLink(u.Query().Get("token"))
	fmt.Println(u.Path, l.Tenant, l.Expires.UTC())

	// Opening the link sets the setup cookie and leads to the setup page.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, link, nil))
	fmt.Println(rec.Code, rec.Header().Get("Location"))
	// Output:
	// /admin/sso-setup/link acme 2026-11-26 12:00:00 +0000 UTC
	// 303 https://app.example.com/admin/sso-setup/
}
