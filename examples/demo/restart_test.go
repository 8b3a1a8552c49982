package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// startDemoOn runs the demo on the SQLite file db with the key file
// beside it, as main does.
func startDemoOn(t *testing.T, db string) *app {
	t.Helper()
	keys, err := loadKeyRing("", db)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(l, appConfig{Logger: slog.New(slog.DiscardHandler), DB: db, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// setupJSON calls the setup API as the signed-in browser, with the
// session's CSRF token on writes, and decodes the answer into out.
func (b *browser) setupJSON(method, u, csrf string, in, out any) int {
	b.t.Helper()
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			b.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, u, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			b.t.Fatalf("%s %s answered %d with undecodable JSON: %v", method, u, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

// What acme's manager changes on the setup pages is still there after
// a restart on the same database, and SSO logins (OIDC, SAML, partner
// JWT) and the newly printed SCIM tokens still work although the
// development IdPs came back on new ports with new keys.
func TestConfigurationSurvivesARestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "demo.db")
	const renamed = "Acme Okta (renamed by mia)"

	a := startDemoOn(t, db)
	if a.Restarted {
		t.Error("the first start on an empty database says it restarted")
	}
	mia := newBrowser(t)
	mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
	var sess struct {
		CSRFToken string `json:"csrfToken"`
	}
	if code := mia.setupJSON("GET", a.URL+"/setup/api/session", "", nil, &sess); code != http.StatusOK || sess.CSRFToken == "" {
		t.Fatalf("setup session answered %d, token %q", code, sess.CSRFToken)
	}
	var conn map[string]any
	if code := mia.setupJSON("GET", a.URL+"/setup/api/connections/okta", "", nil, &conn); code != http.StatusOK {
		t.Fatalf("reading okta answered %d: %v", code, conn)
	}
	conn["name"] = renamed
	var saved map[string]any
	if code := mia.setupJSON("PUT", a.URL+"/setup/api/connections/okta", sess.CSRFToken, conn, &saved); code != http.StatusOK {
		t.Fatalf("saving okta answered %d: %v", code, saved)
	}
	if fi, err := os.Stat(db + ".key"); err != nil {
		t.Errorf("no key file beside the database: %v", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file has mode %v, want 0600", fi.Mode().Perm())
	}
	oldIssuer, oldURL := a.idps.op.Issuer(), a.URL
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	a = startDemoOn(t, db)
	t.Cleanup(func() { a.Close() })
	if !a.Restarted {
		t.Error("the second start does not say it kept the configuration")
	}
	if a.idps.op.Issuer() == oldIssuer || a.URL == oldURL {
		t.Fatalf("the restart reused the addresses (%s, %s): the test proves nothing", oldIssuer, oldURL)
	}
	c, err := a.store.Connection(t.Context(), "acme", "okta")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != renamed {
		t.Errorf("after the restart okta is named %q, want %q", c.Name, renamed)
	}
	if c.Parameters.DiscoveryEndpoint != a.idps.op.Issuer() {
		t.Errorf("okta still points at %s, want this run's provider %s", c.Parameters.DiscoveryEndpoint, a.idps.op.Issuer())
	}
	if _, page := newBrowser(t).get(a.URL + "/t/acme/login"); !strings.Contains(page, renamed) {
		t.Errorf("the login page does not show the renamed connection:\n%s", page)
	}

	t.Run("the setup pages' change list still names the manager", func(t *testing.T) {
		mia := newBrowser(t)
		mia.post(a.URL+"/t/acme/password", url.Values{"email": {"mia@acme.example"}, "password": {"demo"}})
		var events []struct {
			Actor, Action, Connection string
			Fields                    []string
		}
		if code := mia.setupJSON("GET", a.URL+"/setup/api/audit", "", nil, &events); code != http.StatusOK {
			t.Fatalf("audit answered %d", code)
		}
		for _, e := range events {
			if e.Actor == "mia@acme.example" && e.Action == "connection.update" && e.Connection == "okta" &&
				slices.Contains(e.Fields, "name") {
				return
			}
		}
		t.Errorf("no update of okta's name by mia in the audit list: %+v", events)
	})
	t.Run("OIDC login through the renamed connection", func(t *testing.T) {
		resp, me := newBrowser(t).get(a.URL + "/sso/acme/login?email=ann@acme.example")
		wantOnMe(t, resp, me, `<span id="email">ann@acme.example</span>`, "via SSO connection <b>okta</b>")
	})
	t.Run("SAML login", func(t *testing.T) {
		b := newBrowser(t)
		base, _ := url.Parse(a.URL)
		_, page := b.get(a.URL + "/t/globex/login")
		_, autoPost := b.get(b.link(base, page, "sso", "Globex SSO"))
		resp, me := b.submitAutoPost(autoPost)
		wantOnMe(t, resp, me, `<span id="email">carol@globex.example</span>`)
	})
	t.Run("partner JWT login signs with the stored secret", func(t *testing.T) {
		b := newBrowser(t)
		resp, page := b.get(a.URL + "/sso/initech/login")
		resp, me := b.submitPartner(resp.Request.URL, page, "erin@initech.example")
		wantOnMe(t, resp, me, `<span id="email">erin@initech.example</span>`)
	})
	t.Run("the printed SCIM token works", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/scim/v2/Users", nil)
		req.Header.Set("Authorization", "Bearer "+a.SCIMTokens["acme"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("SCIM with this run's token answered %d", resp.StatusCode)
		}
	})
}
