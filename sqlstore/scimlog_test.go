package sqlstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

func TestSCIMRequestLogKeepsTheLatestPerTenant(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acme, _, _ := s.CreateSCIMToken(ctx, "acme", "")
		globex, _, _ := s.CreateSCIMToken(ctx, "globex", "")
		// A stand-in for scim.Handler: authenticates, then answers.
		h := s.SCIMRequestLogger(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := s.Authenticate(r.Context(), r.Header.Get("Authorization")); err != nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		send := func(token, path string) {
			r := httptest.NewRequest("DELETE", path+"?filter=secret", nil)
			r.Header.Set("Authorization", token)
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		send(globex, "/Users/g")
		for range sqlstore.MaxSCIMRequests + 5 {
			send(acme, "/Users/a")
		}
		send(acme, "/Users/last")
		send("unknown", "/Users/x")
		log, err := s.SCIMRequests(ctx, "acme", 0)
		if err != nil || len(log) != sqlstore.MaxSCIMRequests {
			t.Fatalf("acme log has %d entries, %v; want %d", len(log), err, sqlstore.MaxSCIMRequests)
		}
		if e := log[0]; e.Path != "/Users/last" || e.Status != http.StatusNoContent || e.Method != "DELETE" || e.At.IsZero() {
			t.Fatalf("newest entry %+v", e)
		}
		if g, _ := s.SCIMRequests(ctx, "globex", 0); len(g) != 1 || g[0].Path != "/Users/g" {
			t.Fatalf("globex log = %+v (trimming one tenant must not touch another)", g)
		}
		if l, _ := s.SCIMRequests(ctx, "acme", 3); len(l) != 3 {
			t.Fatalf("limit 3 gave %d", len(l))
		}
	})
}
