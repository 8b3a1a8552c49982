package setup_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// The reference SQL store is a setup Store and Deleter.
var (
	_ setup.Store   = (*sqlstore.Store)(nil)
	_ setup.Deleter = (*sqlstore.Store)(nil)
	_ setup.Store   = (*sso.MemoryStore)(nil)
)

// Setup on SQLite: saves, conflicts, deletes, and the store's own audit
// log names the setup actor.
func TestSetupOnSQLite(t *testing.T) {
	store := openSQLite(t)
	e := &env{now: t0}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var err error
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso",
		Store: store, LinkKey: linkKey, InsecureCookies: true, ActorContext: sqlstore.ContextWithActor,
		Actor: func(*http.Request) string { return "it-admin@acme.example" }})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/setup/", e.setup)
	c := e.openLink(t, "acme")
	const secret = "sqlite-client-secret-42"
	var res setup.SaveResult
	if body := c.json("POST", "/setup/api/connections", oidcInput("corp", secret), 201, &res); strings.Contains(body, secret) {
		t.Fatal("the answer shows the secret")
	}
	in := oidcInput("corp", "")
	in["version"] = res.Connection.Version
	in["mode"] = "required"
	c.json("PUT", "/setup/api/connections/corp", in, 200, nil)
	c.json("PUT", "/setup/api/connections/corp", in, 409, nil) // stale version
	got, err := store.Connection(context.Background(), "acme", "corp")
	if err != nil || got.Parameters.ClientSecret != secret || got.Mode != sso.ModeRequired {
		t.Fatalf("stored %+v %v", got, err)
	}
	c.json("DELETE", "/setup/api/connections/corp?version=1", nil, 409, nil)
	c.json("DELETE", "/setup/api/connections/corp?version="+strconv.FormatInt(got.Version, 10), nil, 204, nil)
	c.json("GET", "/setup/api/connections/corp", nil, 404, nil)
	log, err := store.AuditLog(context.Background(), "acme", 10)
	if err != nil || len(log) == 0 {
		t.Fatalf("store audit log %v %v", log, err)
	}
	for _, ev := range log {
		if ev.Actor != "it-admin@acme.example" {
			t.Errorf("store audit event %+v lacks the setup actor", ev)
		}
	}
}

// The in-memory store deletes too, so the setup pages offer delete on it.
var _ setup.Deleter = (*sso.MemoryStore)(nil)

// openSQLite opens a fresh SQLite store in the test's directory.
func openSQLite(t *testing.T) *sqlstore.Store {
	t.Helper()
	ring, err := sqlstore.NewKeyRing(sqlstore.Key{ID: "k1", Secret: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(context.Background(), sqlstore.Config{Dialect: sqlstore.SQLite,
		DSN: filepath.Join(t.TempDir(), "ssokit.db"), Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}
