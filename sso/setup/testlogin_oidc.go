package setup

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/sso"
)

const oidcTestCookie = "ssokit_setup_oidc"

func (h *Handler) testCallbackURL() string { return h.base + "/test/oidc/callback" }

// testRP is the connection's relying party with setup's own redirect URL
// ({BaseURL}/test/oidc/callback, registered at the IdP next to the sso
// one) and a state key of its own.
func (h *Handler) testRP(tenant string, c *sso.Connection) (*oidc.RP, error) {
	cfg, err := sso.OIDCConfig(c, h.cfg.Secrets)
	if err != nil {
		return nil, err
	}
	cfg.OfflineAccess = false // a test login keeps no refresh token
	cfg.RedirectURL, cfg.StateKey = h.testCallbackURL(), h.mac("oidc-test-state", tenant+"\x00"+c.ID)
	cfg.HTTPClient, cfg.Now, cfg.Rand = h.cfg.HTTPClient, h.cfg.Now, h.cfg.Rand
	return oidc.New(cfg)
}

func (h *Handler) startOIDCTest(w http.ResponseWriter, r *http.Request, s session, c *sso.Connection) {
	rp, err := h.testRP(s.tenant, c)
	var login *oidc.Login
	if err == nil {
		login, err = rp.Begin(r.Context(), oidc.LoginRequest{ConnectionID: c.ID})
	}
	if err != nil {
		h.render(w, r, s, http.StatusBadGateway, &pageData{FormError: "cannot start a login at the identity provider: " + err.Error()})
		return
	}
	ck := login.Cookie(oidcTestCookie, h.cookiePath())
	ck.Secure = !h.cfg.InsecureCookies
	http.SetCookie(w, ck)
	h.setTestCookie(w, s.tenant, c.ID, "", http.SameSiteLaxMode)
	http.Redirect(w, r, login.URL, http.StatusSeeOther)
}

// serveTestOIDCCallback completes an OIDC test login: GET
// test/oidc/callback. It creates no user and no session.
func (h *Handler) serveTestOIDCCallback(w http.ResponseWriter, r *http.Request) {
	tenant, conn, _, err := h.testState(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c, err := h.cfg.Store.Connection(r.Context(), tenant, conn)
	if err != nil {
		http.Error(w, "setup: the connection is gone", http.StatusNotFound)
		return
	}
	res := TestResult{Tenant: tenant, Connection: conn, At: h.cfg.Now().UTC()}
	rp, err := h.testRP(tenant, c)
	var tok *oidc.Tokens
	if err == nil {
		tok, err = rp.Exchange(r.Context(), oidc.CallbackFromRequest(r, oidcTestCookie))
	}
	if err != nil {
		res.Error = err.Error()
	} else {
		h.explainOIDC(r.Context(), &res, c, tok)
	}
	http.SetCookie(w, &http.Cookie{Name: testCookie, Path: h.cookiePath(), MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: oidcTestCookie, Path: h.cookiePath(), MaxAge: -1})
	id, err := h.keepResult(res)
	if err != nil {
		http.Error(w, "setup: internal error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, h.base+"/test/result/"+id, http.StatusSeeOther)
}

// receive lists the claims of one document, sorted by name, with their
// values as JSON.
func (res *TestResult) receive(doc string, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(m[k])
		res.Received = append(res.Received, Received{Document: doc, Name: k, Value: string(v)})
	}
}

func (h *Handler) explainOIDC(ctx context.Context, res *TestResult, c *sso.Connection, tok *oidc.Tokens) {
	res.Issuer, res.Subject = tok.IDToken.Issuer, tok.Subject
	res.receive("IDTOKEN", tok.IDToken.Claims)
	res.receive("ACCESSTOKEN", tok.AccessTokenClaims)
	res.receive("USERINFO", tok.UserInfo)
	d := func(rule, outcome, why string) {
		res.Decisions = append(res.Decisions, Decision{Rule: rule, Outcome: outcome, Why: why})
	}
	d("ID token", "accepted", "signature, issuer "+tok.IDToken.Issuer+", audience, expiry and nonce verified")
	email, _ := tok.IDToken.Claims["email"].(string)
	verified, _ := tok.IDToken.Claims["email_verified"].(bool)
	switch {
	case email == "":
		d("email", "missing", "the ID token has no email claim; the login would fail unless userinfo supplies it")
	case verified:
		d("email", "verified by the IdP", email+" (its domain must also be verified for the tenant)")
	default:
		d("email", "not verified by the IdP", email+": email_verified is not true")
	}
	if c.EmailPattern != "" {
		d("emailPattern", "checked at login", "the email must match "+c.EmailPattern)
	}
	h.explainClaims(ctx, res, c, tok.IDToken.Claims, "idtoken:", "was not in the ID token (it may come from userinfo or the access token)",
		policy.Documents{IDToken: tok.IDToken.Claims, AccessToken: tok.AccessTokenClaims, UserInfo: tok.UserInfo})
}

// explainClaims adds the decisions that follow from a JSON claims
// document (an ID token, a partner JWT): the mapped claims (prefix is
// the mapping's document prefix, missing says why an absent claim may
// still arrive), the group table rows, provisioning, mode and the test
// expressions run on docs.
func (h *Handler) explainClaims(ctx context.Context, res *TestResult, c *sso.Connection, claims map[string]any,
	prefix, missing string, docs policy.Documents) {
	d := func(rule, outcome, why string) {
		res.Decisions = append(res.Decisions, Decision{Rule: rule, Outcome: outcome, Why: why})
	}
	for _, key := range []string{"spaceName", "spaceRole", "groups"} {
		name := c.Parameters.ClaimMapping[key]
		if name == "" {
			continue
		}
		if v, ok := claims[strings.TrimPrefix(name, prefix)]; ok {
			j, _ := json.Marshal(v)
			d(key, "mapped", "claim "+name+" gave "+string(j))
		} else {
			d(key, "not in the token", "claim "+name+" "+missing)
		}
	}
	groups, _ := claims["groups"].([]any)
	for _, rule := range c.Mapping.Permissions {
		in := false
		for _, g := range groups {
			in = in || g == rule.Group
		}
		if in {
			d("group "+rule.Group, "granted", "the user is in IdP group "+rule.Group+": grants "+strings.Join(rule.Permissions, ", "))
		} else {
			d("group "+rule.Group, "not granted", "the groups claim does not list "+rule.Group)
		}
	}
	d("provisioning", orDefault(string(c.Provisioning), "existing-only"), "no user is created or updated by a test login")
	d("mode", orDefault(string(c.Mode), "optional"), "mode required enforces SSO for the tenant")
	if h.cfg.SSO == nil {
		return
	}
	rep, err := h.cfg.SSO.DryRun(ctx, res.Tenant, c.ID, docs)
	if err != nil {
		d("test expressions", "error", err.Error())
		return
	}
	res.Report = &rep
	for _, e := range rep.Result.Expressions {
		out, why := "passed", "the expression is true"
		if !e.Passed {
			out, why = "failed", e.Reason
		}
		d("expression "+e.Source, out, why)
	}
}
