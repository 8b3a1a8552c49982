package setup

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/sso"
)

// Test logins run a real SAML login against the configured IdP through
// setup's own ACS ({BaseURL}/test/saml/acs, which the admin adds to the
// IdP next to the sso ACS) and show what arrived, without creating a
// user or a session.

const (
	testCookie   = "ssokit_setup_test"
	testLifetime = 10 * time.Minute
	maxResults   = 256
)

// TestResult is what a test login received and how the connection's
// rules judged it.
type TestResult struct {
	Tenant     string         `json:"tenant"`
	Connection string         `json:"connection"`
	At         time.Time      `json:"at"`
	Error      string         `json:"error,omitempty"`
	Issuer     string         `json:"issuer,omitempty"`
	Subject    string         `json:"subject,omitempty"`
	Received   []Received     `json:"received,omitempty"`
	Report     *policy.Report `json:"report,omitempty"`
	Decisions  []Decision     `json:"decisions,omitempty"`
	// PastedToken is true for a check of a pasted partner JWT
	// ([Handler.CheckJWT]) rather than a login at an IdP.
	PastedToken bool `json:"pastedToken,omitempty"`
}

// Received is one attribute or claim as the IdP sent it; Document is
// SAML, IDTOKEN, ACCESSTOKEN, USERINFO or JWT (a pasted partner token).
type Received struct {
	Document string `json:"document"`
	Name     string `json:"name"`
	Value    string `json:"value"`
}

// Decision is one mapping or policy outcome with its explanation.
type Decision struct {
	Rule    string `json:"rule"`
	Outcome string `json:"outcome"`
	Why     string `json:"why"`
}

// results keeps test results briefly for the result page.
type results struct {
	mu sync.Mutex
	m  map[string]TestResult
}

func (h *Handler) testACSURL() string { return h.base + "/test/saml/acs" }

// testSP builds a SAML SP for the connection with setup's ACS and the sso
// entity ID, so the IdP application is the same one.
func (h *Handler) testSP(ctx context.Context, tenant string, c *sso.Connection) (*saml.ServiceProvider, error) {
	idp, err := sso.SAMLIdP(ctx, c, h.cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	return saml.New(saml.Config{EntityID: h.values(tenant, "").EntityID, ACSURL: h.testACSURL(), IdP: idp,
		Now: h.cfg.Now, Rand: h.cfg.Rand})
}

// pageTestStart starts a test login: GET connections/{id}/test?csrf=.
// It is a link rather than a form because it redirects to the IdP, which
// the page's CSP form-action 'self' would block; the CSRF token is still
// required (Referrer-Policy: no-referrer keeps it from the IdP).
func (h *Handler) pageTestStart(w http.ResponseWriter, r *http.Request, s session) {
	if got := r.URL.Query().Get("csrf"); got == "" || !hmac.Equal([]byte(got), []byte(h.csrfToken(s))) {
		http.Error(w, "setup: missing or wrong CSRF token; reload the page", http.StatusForbidden)
		return
	}
	c, err := h.cfg.Store.Connection(r.Context(), s.tenant, r.PathValue("id"))
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	if c.Kind.IsOIDC() {
		h.startOIDCTest(w, r, s, c)
		return
	}
	if c.Kind != sso.KindSAML {
		h.render(w, r, s, http.StatusNotImplemented, &pageData{FormError: "test login runs for SAML and OpenID Connect connections; for a partner JWT connection paste a token into Check a token"})
		return
	}
	sp, err := h.testSP(r.Context(), s.tenant, c)
	if err != nil {
		h.render(w, r, s, http.StatusBadGateway, &pageData{FormError: "cannot reach the identity provider: " + err.Error()})
		return
	}
	req, err := sp.RedirectAuthnRequest("")
	if err != nil {
		h.render(w, r, s, http.StatusInternalServerError, &pageData{FormError: err.Error()})
		return
	}
	h.setTestCookie(w, s.tenant, c.ID, req.ID, http.SameSiteNoneMode)
	http.Redirect(w, r, req.URL, http.StatusSeeOther)
}

// setTestCookie keeps the signed test login state: tenant, connection
// and SAML request ID. SAML needs SameSite=None (the IdP POSTs back).
func (h *Handler) setTestCookie(w http.ResponseWriter, tenant, conn, reqID string, same http.SameSite) {
	exp := h.cfg.Now().Add(testLifetime).Unix()
	payload := strings.Join([]string{b64(tenant), b64(conn), b64(reqID), strconv.FormatInt(exp, 10)}, ".")
	if h.cfg.InsecureCookies {
		same = http.SameSiteLaxMode
	}
	http.SetCookie(w, &http.Cookie{Name: testCookie, Value: payload + "." + b64(string(h.mac("test", payload))),
		Path: h.cookiePath(), HttpOnly: true, Secure: !h.cfg.InsecureCookies, SameSite: same})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// testState reads the signed test cookie: tenant, connection, request ID.
func (h *Handler) testState(r *http.Request) (tenant, conn, reqID string, err error) {
	ck, err := r.Cookie(testCookie)
	if err != nil || len(ck.Value) > MaxLinkTokenBytes {
		return "", "", "", errors.New("setup: no test login in progress (start it again from the setup page)")
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 5 {
		return "", "", "", errors.New("setup: malformed test login state")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[4])
	if err != nil || !hmac.Equal(sig, h.mac("test", strings.Join(parts[:4], "."))) {
		return "", "", "", errors.New("setup: test login state has a bad signature")
	}
	exp, _ := strconv.ParseInt(parts[3], 10, 64)
	if h.cfg.Now().Unix() >= exp {
		return "", "", "", errors.New("setup: the test login expired; start it again")
	}
	var out [3]string
	for i := range out {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return "", "", "", errors.New("setup: malformed test login state")
		}
		out[i] = string(b)
	}
	return out[0], out[1], out[2], nil
}

// serveTestACS receives the IdP's response of a test login, verifies it
// as the sso handler would, and keeps the result for the admin: POST
// test/saml/acs. It creates no user and no session.
func (h *Handler) serveTestACS(w http.ResponseWriter, r *http.Request) {
	tenant, conn, reqID, err := h.testState(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: testCookie, Path: h.cookiePath(), MaxAge: -1})
	res := TestResult{Tenant: tenant, Connection: conn, At: h.cfg.Now().UTC()}
	c, err := h.cfg.Store.Connection(r.Context(), tenant, conn)
	if err != nil {
		http.Error(w, "setup: the connection is gone", http.StatusNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	sp, err := h.testSP(r.Context(), tenant, c)
	var a *saml.Assertion
	if err == nil {
		a, err = sp.VerifyResponse(r.Context(), r.PostFormValue("SAMLResponse"), []string{reqID})
	}
	if err != nil {
		res.Error = err.Error()
	} else {
		h.explain(r.Context(), &res, c, a)
	}
	id, err := h.keepResult(res)
	if err != nil {
		http.Error(w, "setup: internal error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, h.base+"/test/result/"+id, http.StatusSeeOther)
}

// explain fills the received attributes and each decision.
func (h *Handler) explain(ctx context.Context, res *TestResult, c *sso.Connection, a *saml.Assertion) {
	res.Issuer, res.Subject = a.Issuer, a.NameID.Value
	attrs := map[string][]string{}
	for _, at := range a.Attributes {
		attrs[at.Name] = append(attrs[at.Name], at.Values...)
		res.Received = append(res.Received, Received{Document: "SAML", Name: at.Name, Value: strings.Join(at.Values, ", ")})
	}
	d := func(rule, outcome, format string, args ...any) {
		res.Decisions = append(res.Decisions, Decision{Rule: rule, Outcome: outcome, Why: fmt.Sprintf(format, args...)})
	}
	d("signature", "accepted", "response signed: %t, assertion signed: %t, issuer %s", a.ResponseSigned, a.AssertionSigned, a.Issuer)
	email := a.NameID.Value
	if v := attrs["email"]; len(v) > 0 {
		email = v[0]
	}
	d("email", "asserted", "%s (from the email attribute, else the NameID); its domain must be verified for the tenant", email)
	if c.EmailPattern != "" {
		d("emailPattern", "checked at login", "the email %q must match %s", email, c.EmailPattern)
	}
	for _, key := range []string{"spaceName", "spaceRole", "groups"} {
		name := c.Parameters.ClaimMapping[key]
		if name == "" {
			continue
		}
		attr := strings.TrimPrefix(name, "saml:")
		if v, ok := attrs[attr]; ok {
			d(key, "mapped", "attribute %q gave %q", attr, strings.Join(v, ", "))
		} else {
			d(key, "missing", "attribute %q was not sent by the IdP", attr)
		}
	}
	groups := attrs[strings.TrimPrefix(c.Parameters.ClaimMapping["groups"], "saml:")]
	for _, rule := range c.Mapping.Permissions {
		if slices.Contains(groups, rule.Group) {
			d("group "+rule.Group, "granted", "the user is in IdP group %q: grants %s", rule.Group, strings.Join(rule.Permissions, ", "))
		} else {
			d("group "+rule.Group, "not granted", "the user is not in IdP group %q", rule.Group)
		}
	}
	d("provisioning", string(orDefault(string(c.Provisioning), "existing-only")), "no user is created or updated by a test login")
	d("mode", orDefault(string(c.Mode), "optional"), "mode required enforces SSO for the tenant")
	if h.cfg.SSO != nil {
		rep, err := h.cfg.SSO.DryRun(ctx, res.Tenant, c.ID, policy.Documents{SAML: attrs})
		if err != nil {
			d("test expressions", "error", "%v", err)
		} else {
			res.Report = &rep
			for _, e := range rep.Result.Expressions {
				out, why := "passed", "the expression is true"
				if !e.Passed {
					out, why = "failed", e.Reason
				}
				d("expression "+e.Source, out, "%s", why)
			}
		}
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (h *Handler) keepResult(res TestResult) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(h.cfg.Rand, b); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	h.results.mu.Lock()
	defer h.results.mu.Unlock()
	if h.results.m == nil {
		h.results.m = map[string]TestResult{}
	}
	now := h.cfg.Now()
	for k, v := range h.results.m {
		if now.Sub(v.At) > testLifetime || len(h.results.m) >= maxResults {
			delete(h.results.m, k)
		}
	}
	h.results.m[id] = res
	return id, nil
}

// pageTestResult shows a test result of the session's tenant: GET
// test/result/{id}.
func (h *Handler) pageTestResult(w http.ResponseWriter, r *http.Request, s session) {
	h.results.mu.Lock()
	res, ok := h.results.m[r.PathValue("rid")]
	h.results.mu.Unlock()
	if !ok || res.Tenant != s.tenant {
		h.render(w, r, s, http.StatusNotFound, &pageData{FormError: "no such test login result"})
		return
	}
	h.render(w, r, s, http.StatusOK, &pageData{Test: &res})
}
