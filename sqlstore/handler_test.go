package sqlstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

// TestSSOHandlerSeesChangesWithoutRestart mounts the sso handler on the
// SQL store; a saved connection shows on the next request.
func TestSSOHandlerSeesChangesWithoutRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		c := jwtConn()
		c.Name = "Partner Portal"
		if _, err := s.Put(ctx, "acme", c); err != nil {
			t.Fatal(err)
		}
		h, err := sso.New(sso.Config{
			BaseURL: "https://app.example.com/sso", StateKey: make([]byte, 32), Store: s,
			Users:    sso.NewMemoryUsers(),
			Sessions: sso.SessionFunc(func(http.ResponseWriter, *http.Request, *sso.Result) error { return nil }),
		})
		if err != nil {
			t.Fatal(err)
		}
		providers := func() string {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/sso/acme/providers", nil))
			body, _ := io.ReadAll(rec.Result().Body)
			if rec.Code != http.StatusOK {
				t.Fatalf("providers = %d %s", rec.Code, body)
			}
			return string(body)
		}
		if got := providers(); !strings.Contains(got, "Partner Portal") {
			t.Fatalf("providers = %s", got)
		}
		read, _ := s.Connection(ctx, "acme", "partner")
		read.Name = "Renamed Portal"
		if _, err := s.Put(ctx, "acme", *read); err != nil {
			t.Fatal(err)
		}
		added := oidcConn()
		added.Name = "Okta Login"
		if _, err := s.Put(ctx, "acme", added); err != nil {
			t.Fatal(err)
		}
		got := providers()
		if !strings.Contains(got, "Renamed Portal") || !strings.Contains(got, "Okta Login") || strings.Contains(got, "Partner Portal") {
			t.Fatalf("after saving, providers = %s", got)
		}
	})
}
