package setup_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// requireSSO makes connection corp of the client's tenant required,
// through the setup API.
func requireSSO(t *testing.T, c *client) {
	t.Helper()
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", oidcInput("corp", "corp-client-secret-1"), 201, &res)
	in := oidcInput("corp", "")
	in["version"], in["mode"] = res.Connection.Version, "required"
	c.json("PUT", "/setup/api/connections/corp", in, 200, nil)
}

// passwordLogin asks the sso handler, as the host's password form
// would, whether an ordinary user of tenant may log in with a password.
func passwordLogin(h *sso.Handler, tenant string, breakGlass, privileged bool) error {
	return h.CheckPasswordLogin(context.Background(), sso.PasswordRequest{Tenant: tenant, BreakGlass: breakGlass,
		User: sso.User{ID: "u-ann", Tenant: tenant, Email: "ann@" + tenant + ".example", Privileged: privileged}})
}

func refused(err error) bool { return errors.Is(err, &sso.Error{Code: sso.CodeSSORequired}) }

func breakGlassEvents(t *testing.T, c *client) []string {
	t.Helper()
	var evs []setup.AuditEvent
	c.json("GET", "/setup/api/audit", nil, 200, &evs)
	var out []string
	for _, ev := range evs {
		if ev.Action == "tenant.break_glass" {
			out = append(out, ev.Tenant+" "+ev.Actor+" "+ev.Detail)
		}
	}
	return out
}

func TestBreakGlassByAPIAppliesToPasswordLogins(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	requireSSO(t, c)
	var v setup.TenantView
	c.json("GET", "/setup/api/tenant", nil, 200, &v)
	if !v.Enforced || !slices.Equal(v.RequiredConnections, []string{"corp"}) || v.AllowBreakGlass || !v.BreakGlassEditable {
		t.Fatalf("before: %+v", v)
	}
	for _, want := range []string{"SSO is required (connection corp): password logins are refused", "privileged (administrators, managers)"} {
		if !strings.Contains(v.Status, want) {
			t.Errorf("status %q lacks %q", v.Status, want)
		}
	}
	if err := passwordLogin(e.sso, "acme", true, false); !refused(err) {
		t.Fatalf("break-glass login before allowing it: %v, want SSO required", err)
	}
	if err := passwordLogin(e.sso, "acme", false, true); err != nil {
		t.Fatalf("privileged password login while SSO is required: %v (the status says it works)", err)
	}

	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true}, 200, &v)
	if !v.AllowBreakGlass || !strings.HasPrefix(v.BreakGlass, "allowed") {
		t.Fatalf("after allowing: %+v", v)
	}
	if err := passwordLogin(e.sso, "acme", true, false); err != nil {
		t.Fatalf("break-glass login once allowed: %v", err)
	}
	if err := passwordLogin(e.sso, "acme", false, false); !refused(err) {
		t.Fatalf("ordinary password login with break-glass allowed: %v, want SSO required", err)
	}
	pending := sso.PasswordRequest{Tenant: "acme", BreakGlass: true, User: sso.User{ID: "u-pat", Tenant: "acme", Pending: true}}
	if err := e.sso.CheckPasswordLogin(t.Context(), pending); !refused(err) || !strings.Contains(v.Status, "still pending have no password") {
		t.Fatalf("pending user through break-glass: %v; the status says %q", err, v.Status)
	}

	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": false}, 200, &v)
	if v.AllowBreakGlass || !strings.HasPrefix(v.BreakGlass, "refused") {
		t.Fatalf("after refusing: %+v", v)
	}
	if err := passwordLogin(e.sso, "acme", true, false); !refused(err) {
		t.Fatalf("break-glass login after turning it off: %v, want SSO required", err)
	}
	if got, want := breakGlassEvents(t, c), []string{"acme setup-link off", "acme setup-link on"}; !slices.Equal(got, want) {
		t.Fatalf("audit, newest first: %q, want %q", got, want)
	}
}

func TestBreakGlassByForm(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	requireSSO(t, c)
	_, page := c.do("GET", "/setup/", nil, "")
	sec := between(t, page, `<section id="enforcement">`, `</section>`)
	if !strings.Contains(sec, "SSO is required (connection corp)") || !strings.Contains(sec, `<input type="hidden" name="allow" value="1"><button>Allow break-glass logins</button>`) {
		t.Fatalf("enforcement section before: %s", sec)
	}
	res, body := c.form("/setup/tenant/break-glass", url.Values{"allow": {"1"}})
	if res.StatusCode != 200 || !strings.Contains(body, `id="notice">Break-glass password logins are now allowed.`) {
		t.Fatalf("allow by form: %d %s", res.StatusCode, body)
	}
	if sec = between(t, body, `<section id="enforcement">`, `</section>`); !strings.Contains(sec, "<button>Refuse break-glass logins</button>") || strings.Contains(sec, `name="allow"`) {
		t.Fatalf("enforcement section once allowed: %s", sec)
	}
	if err := passwordLogin(e.sso, "acme", true, false); err != nil {
		t.Fatalf("break-glass login allowed by form: %v", err)
	}
	res, body = c.form("/setup/tenant/break-glass", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(body, "now refused") {
		t.Fatalf("refuse by form: %d %s", res.StatusCode, body)
	}
	if err := passwordLogin(e.sso, "acme", true, false); !refused(err) {
		t.Fatalf("break-glass login refused by form: %v", err)
	}
	if got := breakGlassEvents(t, c); !slices.Equal(got, []string{"acme setup-link off", "acme setup-link on"}) {
		t.Fatalf("audit: %q", got)
	}
}

func TestBreakGlassNeedsCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	token := c.csrf
	c.csrf = ""
	res, _ := c.do("PUT", "/setup/api/tenant", strings.NewReader(`{"allowBreakGlass":true}`), "application/json")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("PUT without the CSRF token: %d", res.StatusCode)
	}
	c.csrf = token
	res, _ = c.form("/setup/tenant/break-glass", url.Values{"allow": {"1"}, "csrf": {"forged"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("form with a wrong CSRF token: %d", res.StatusCode)
	}
	if tn, err := e.store.Tenant(t.Context(), "acme"); err == nil && tn.AllowBreakGlass {
		t.Fatal("a request without a valid CSRF token allowed break-glass logins")
	}
	if got := breakGlassEvents(t, c); len(got) != 0 {
		t.Fatalf("refused requests were audited: %q", got)
	}
}

// A session of globex changes globex only, however the request names a
// tenant.
func TestBreakGlassStaysInTheSessionTenant(t *testing.T) {
	e := newEnv(t)
	acme := e.openLink(t, "acme")
	acme.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true}, 200, nil)
	globex := e.openLink(t, "globex")
	globex.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true, "tenant": "acme"}, 400, nil)
	globex.json("PUT", "/setup/api/tenant?tenant=acme", map[string]any{"allowBreakGlass": false}, 200, nil)
	globex.form("/setup/tenant/break-glass?tenant=acme", url.Values{"tenant": {"acme"}})
	a, err := e.store.Tenant(t.Context(), "acme")
	if err != nil || !a.AllowBreakGlass {
		t.Fatalf("acme after globex's changes: %+v %v", a, err)
	}
	g, err := e.store.Tenant(t.Context(), "globex")
	if err != nil || g.AllowBreakGlass {
		t.Fatalf("globex: %+v %v", g, err)
	}
	var v setup.TenantView
	acme.json("GET", "/setup/api/tenant", nil, 200, &v)
	if v.Tenant != "acme" || !v.AllowBreakGlass {
		t.Fatalf("acme's view: %+v", v)
	}
	if got := breakGlassEvents(t, acme); !slices.Equal(got, []string{"acme setup-link on"}) {
		t.Fatalf("acme's audit holds %q", got)
	}
	if got := breakGlassEvents(t, globex); !slices.Equal(got, []string{"globex setup-link off", "globex setup-link off"}) {
		t.Fatalf("globex's audit holds %q", got)
	}
}

func TestBreakGlassBodyIsStrict(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true}, 200, nil)
	var body setup.APIError
	c.json("PUT", "/setup/api/tenant", map[string]any{}, 400, &body)
	if !strings.Contains(body.Error, `"allowBreakGlass": false`) {
		t.Fatalf("missing field: %+v", body)
	}
	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": false, "singleIAM": true}, 400, nil)
	if tn, _ := e.store.Tenant(t.Context(), "acme"); tn == nil || !tn.AllowBreakGlass || tn.SingleIAM {
		t.Fatalf("refused bodies changed the tenant: %+v", tn)
	}
}

// Only enabled required connections enforce SSO, as for the sso handler;
// SingleIAM is shown, explained and not editable.
func TestEnforcementStatusFollowsTheHandler(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var res setup.SaveResult
	in := oidcInput("corp", "corp-client-secret-1")
	in["mode"], in["disabled"] = "required", true
	c.json("POST", "/setup/api/connections", in, 201, &res)
	var v setup.TenantView
	c.json("GET", "/setup/api/tenant", nil, 200, &v)
	enforced, err := e.sso.RequiresSSO(t.Context(), "acme")
	if err != nil || enforced || v.Enforced || len(v.RequiredConnections) != 0 || !strings.HasPrefix(v.Status, "SSO is optional") {
		t.Fatalf("disabled required connection: handler %v %v, view %+v", enforced, err, v)
	}
	if v.SingleIAM || v.SingleIAMNote != "" {
		t.Fatalf("SingleIAM shown while unset: %+v", v)
	}
	if strings.Contains(pageSection(t, c), `id="single-iam"`) {
		t.Fatal("the page explains SingleIAM while it is unset")
	}

	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", SingleIAM: true})
	if err != nil {
		t.Fatal(err)
	}
	c = newStoreEnv(t, store).openLink(t, "acme")
	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": true}, 200, &v)
	if !v.SingleIAM || !strings.HasPrefix(v.SingleIAMNote, "One identity provider at a time") {
		t.Fatalf("SingleIAM tenant: %+v", v)
	}
	if sec := pageSection(t, c); !strings.Contains(sec, `<p id="single-iam">One identity provider at a time`) || strings.Contains(sec, `name="singleIAM"`) {
		t.Fatalf("SingleIAM on the page: %s", sec)
	}
	if tn, _ := store.Tenant(t.Context(), "acme"); !tn.SingleIAM || !tn.AllowBreakGlass {
		t.Fatalf("switching break-glass changed SingleIAM: %+v", tn)
	}
}

// newStoreEnv serves setup alone over store.
func newStoreEnv(t *testing.T, store setup.Store) *env {
	t.Helper()
	e := &env{now: t0}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var err error
	e.setup, err = setup.New(setup.Config{BaseURL: e.srv.URL + "/setup", SSOBaseURL: e.srv.URL + "/sso",
		Store: store, LinkKey: linkKey, InsecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/setup/", e.setup)
	return e
}

func pageSection(t *testing.T, c *client) string {
	t.Helper()
	_, page := c.do("GET", "/setup/", nil, "")
	return between(t, page, `<section id="enforcement">`, `</section>`)
}

// readOnlyStore is a setup Store that cannot switch break-glass logins:
// embedding the interface hides MemoryStore's other methods.
type readOnlyStore struct{ setup.Store }

func TestBreakGlassReadOnlyWithoutSetter(t *testing.T) {
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", AllowBreakGlass: true})
	if err != nil {
		t.Fatal(err)
	}
	e := newStoreEnv(t, readOnlyStore{store})
	c := e.openLink(t, "acme")
	var v setup.TenantView
	c.json("GET", "/setup/api/tenant", nil, 200, &v)
	if !v.AllowBreakGlass || v.BreakGlassEditable {
		t.Fatalf("read-only view: %+v", v)
	}
	var body setup.APIError
	c.json("PUT", "/setup/api/tenant", map[string]any{"allowBreakGlass": false}, http.StatusNotImplemented, &body)
	if !strings.Contains(body.Error, "ask your vendor") {
		t.Fatalf("501 message: %q", body.Error)
	}
	res, page := c.form("/setup/tenant/break-glass", url.Values{})
	if res.StatusCode != http.StatusNotImplemented || !strings.Contains(page, "ask your vendor") {
		t.Fatalf("form on a read-only store: %d %s", res.StatusCode, page)
	}
	sec := between(t, page, `<section id="enforcement">`, `</section>`)
	if strings.Contains(sec, "<form") || !strings.Contains(sec, `id="break-glass-read-only"`) || !strings.Contains(sec, "Break-glass logins are allowed") {
		t.Fatalf("read-only section: %s", sec)
	}
	if tn, _ := store.Tenant(t.Context(), "acme"); !tn.AllowBreakGlass {
		t.Fatal("the setting changed through a store without the interface")
	}
	if got := breakGlassEvents(t, c); len(got) != 0 {
		t.Fatalf("refused writes were audited: %q", got)
	}
}
