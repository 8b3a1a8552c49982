package setup_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

var (
	_ setup.BreakGlassSetter = (*sqlstore.Store)(nil)
	_ setup.BreakGlassSetter = (*sso.MemoryStore)(nil)
)

// Break-glass on SQLite: the switch reaches the database, keeps the
// vendor's SingleIAM, applies to the sso handler's password policy over
// the same database and is in the store's audit log with the actor.
func TestBreakGlassOnSQLite(t *testing.T) {
	store := openSQLite(t)
	if err := store.SetTenant(context.Background(), "acme", sqlstore.TenantSettings{SingleIAM: true}); err != nil {
		t.Fatal(err)
	}
	e := &env{now: t0}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var err error
	e.sso, err = sso.New(sso.Config{BaseURL: e.srv.URL + "/sso", StateKey: linkKey, Store: store, Users: sso.NewMemoryUsers(),
		Sessions: sso.SessionFunc(func(http.ResponseWriter, *http.Request, *sso.Result) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso", SSO: e.sso,
		Store: store, LinkKey: linkKey, InsecureCookies: true, ActorContext: sqlstore.ContextWithActor,
		Actor: func(*http.Request) string { return "it-admin@acme.example" }})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/setup/", e.setup)
	c := e.openLink(t, "acme")
	requireSSO(t, c)
	if err := passwordLogin(e.sso, "acme", true, false); !refused(err) {
		t.Fatalf("break-glass login before allowing it: %v", err)
	}
	var v setup.TenantView
	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true}, 200, &v)
	tn, err := store.Tenant(t.Context(), "acme")
	if err != nil || !tn.AllowBreakGlass || !tn.SingleIAM || !v.AllowBreakGlass || !v.SingleIAM || !v.Enforced {
		t.Fatalf("stored %+v %v, view %+v", tn, err, v)
	}
	if err := passwordLogin(e.sso, "acme", true, false); err != nil {
		t.Fatalf("break-glass login once allowed: %v", err)
	}
	if res, body := c.form("/setup/tenant/break-glass", url.Values{}); res.StatusCode != 200 {
		t.Fatalf("refuse by form: %d %s", res.StatusCode, body)
	}
	if err := passwordLogin(e.sso, "acme", true, false); !refused(err) {
		t.Fatalf("break-glass login after turning it off: %v", err)
	}
	if tn, _ := store.Tenant(t.Context(), "acme"); tn.AllowBreakGlass || !tn.SingleIAM {
		t.Fatalf("stored after turning it off: %+v", tn)
	}
	log, err := store.AuditLog(t.Context(), "acme", 2)
	if err != nil || len(log) != 2 {
		t.Fatalf("store audit log %+v %v", log, err)
	}
	for _, ev := range log {
		if ev.Action != sqlstore.ActionTenantUpdate || ev.Actor != "it-admin@acme.example" || !slices.Equal(ev.Changed, []string{"allowBreakGlass"}) {
			t.Errorf("store audit event %+v", ev)
		}
	}
}
