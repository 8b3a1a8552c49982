package setup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/sso"
)

// MaxCheckTokenBytes bounds a token pasted into "Check a token": the
// partner JWT endpoint's own bound (jwtsso.DefaultMaxTokenSize). A longer
// token is refused before anything else is done.
const MaxCheckTokenBytes = jwtsso.DefaultMaxTokenSize

// ErrNotJWT is returned by [Handler.CheckJWT] for a connection that is
// not a partner JWT connection; the API answers it with 422.
var ErrNotJWT = errors.New("setup: token checks run for partner JWT connections only; use Test login for SAML and OpenID Connect")

// JWTCheck is the body of POST api/connections/{id}/jwt-check.
type JWTCheck struct {
	// Token is the JWT the partner's login script produced.
	Token string `json:"token"`
}

// emailTrust is the part of [*domains.Service] (sso.DomainTrust) that
// says whether an email's domain is verified for a tenant.
type emailTrust interface {
	VerifiedFor(ctx context.Context, tenant, emailOrDomain string) (bool, error)
}

// noReplay is the throwaway replay cache of a token check: it records
// nothing, so a checked token still works for one real login.
type noReplay struct{}

func (noReplay) Seen(context.Context, string, time.Time) (bool, error) { return false, nil }

// CheckJWT verifies a token a partner's login script produced as a login
// through the tenant's JWT connection would: the connection's SSO key
// (through Config.Secrets), the same rules (HS256 only, signature, iat
// within the margin of Config.Now, exp and nbf, iat, jti and email
// present, the email's form). It never records the jti, so the token
// still logs in once afterwards. A token that fails verification gives a
// TestResult with Error set; the error is for an unknown connection
// (wrapping sso.ErrNotFound), a connection of another kind (ErrNotJWT) or
// a store failure. The SSO key is never part of the result.
func (h *Handler) CheckJWT(ctx context.Context, tenant, connection, token string) (TestResult, error) {
	res := TestResult{Tenant: tenant, Connection: connection, At: h.cfg.Now().UTC(), PastedToken: true}
	if len(token) > MaxCheckTokenBytes {
		res.Error = fmt.Sprintf("size: the token is %d bytes; the JWT endpoint refuses tokens over %d bytes", len(token), MaxCheckTokenBytes)
		return res, nil
	}
	c, err := h.cfg.Store.Connection(ctx, tenant, connection)
	if err != nil {
		return res, err
	}
	if c.Kind != sso.KindJWT {
		return res, ErrNotJWT
	}
	token = strings.TrimSpace(token)
	if token == "" {
		res.Error = "paste the token (the value of the jwt parameter your login script sends)"
		return res, nil
	}
	cfg, err := h.jwtConfig(c)
	if err != nil {
		res.Error = err.Error()
		return res, nil
	}
	v, err := jwtsso.New(cfg)
	if err != nil {
		res.Error = "the connection's SSO key cannot be used: save the connection with Generate the SSO key ticked"
		return res, nil
	}
	claims, err := v.Verify(ctx, token)
	if err != nil {
		res.Error = checkError(err, cfg.IssuedAtMargin)
		return res, nil
	}
	h.explainJWT(ctx, &res, c, claims, cfg.IssuedAtMargin)
	return res, nil
}

// jwtConfig is the verifier configuration of a real login (see
// sso.JWTVerifierConfig) with setup's clock and a replay cache that
// forgets.
func (h *Handler) jwtConfig(c *sso.Connection) (jwtsso.Config, error) {
	if c.Parameters.SharedSecret == "" {
		return jwtsso.Config{}, errors.New("the connection has no SSO key yet: save it with Generate the SSO key ticked")
	}
	cfg, err := sso.JWTVerifierConfig(c, h.cfg.Secrets)
	if err != nil {
		return cfg, fmt.Errorf("the connection's SSO key cannot be read: %v", err)
	}
	cfg.Now, cfg.ReplayCache = h.cfg.Now, noReplay{}
	if cfg.IssuedAtMargin == 0 {
		cfg.IssuedAtMargin = jwtsso.DefaultIssuedAtMargin
	}
	return cfg, nil
}

// checkError names the rule a token broke, says what to change in the
// login script and keeps jwtsso's own text (safe to show).
func checkError(err error, margin time.Duration) string {
	rule, hint := "token", ""
	switch {
	case errors.Is(err, jwtsso.ErrTokenTooLarge):
		rule, hint = "size", fmt.Sprintf("the endpoint refuses tokens over %d bytes", MaxCheckTokenBytes)
	case errors.Is(err, jwtsso.ErrMalformed):
		rule, hint = "format", "send a compact JWT (header.payload.signature, base64url) whose payload is a JSON object"
	case errors.Is(err, jwtsso.ErrAlgorithm):
		rule, hint = "algorithm", `sign with HS256 ("alg":"HS256"); unsigned ("none") and public-key (RS256) tokens are refused`
	case errors.Is(err, jwtsso.ErrUnknownKey), errors.Is(err, jwtsso.ErrBadSignature):
		rule, hint = "signature", "the token is not signed with this connection's SSO key: sign header.payload with HMAC-SHA256 keyed with the SSO key string exactly as it was shown"
	case errors.Is(err, jwtsso.ErrStale), errors.Is(err, jwtsso.ErrIssuedInFuture):
		rule, hint = "time window", fmt.Sprintf("iat must lie within %s of this server's clock: sign the token just before redirecting, keep the script's clock synchronised, and paste a fresh token", margin)
	case errors.Is(err, jwtsso.ErrExpired), errors.Is(err, jwtsso.ErrNotYetValid):
		rule, hint = "time window", "the token's exp or nbf excludes this server's current time: set exp a few minutes after iat (or leave it out), nbf at or before iat, and paste a fresh token"
	case errors.Is(err, jwtsso.ErrMissingClaim), errors.Is(err, jwtsso.ErrIssuer), errors.Is(err, jwtsso.ErrAudience):
		rule, hint = "claims", "the token needs iat (seconds since 1970), jti (unique per token) and email"
	case errors.Is(err, jwtsso.ErrInvalidEmail):
		rule, hint = "email", "send the user's plain address (local@domain), no display name"
	}
	if hint == "" {
		return rule + ": " + err.Error()
	}
	return rule + ": " + hint + " (" + err.Error() + ")"
}

// explainJWT fills the claims received and each decision of an accepted
// token.
func (h *Handler) explainJWT(ctx context.Context, res *TestResult, c *sso.Connection, cl *jwtsso.Claims, margin time.Duration) {
	doc, _ := cl.Map()
	if doc == nil {
		doc = map[string]any{}
	}
	res.receive("JWT", doc)
	// The login's claims document: claim names are case-insensitive for
	// partners, so the normalised email is set under "email".
	doc["email"] = cl.Email
	res.Issuer, res.Subject = cl.Issuer, cl.Subject
	if res.Subject == "" {
		res.Subject = cl.Email
	}
	d := func(rule, outcome, why string) {
		res.Decisions = append(res.Decisions, Decision{Rule: rule, Outcome: outcome, Why: why})
	}
	if c.Disabled {
		d("connection", "disabled", "the connection is disabled: real logins through it are refused until it is enabled")
	}
	d("signature", "accepted", cl.Algorithm+" signature verified with this connection's SSO key")
	why := fmt.Sprintf("iat %s is within %s of this server's clock (%s); the JWT endpoint accepts the token until %s",
		cl.IssuedAt.UTC().Format(time.RFC3339), margin, h.cfg.Now().UTC().Format(time.RFC3339),
		tokenDeadline(cl, margin).UTC().Format(time.RFC3339))
	d("time window", "accepted", why)
	d("claims", "present", "iat, jti and email (names match in any letter case)")
	d("email", "accepted", cl.Email+" (trimmed and lower-cased); the user is found by this address (see provisioning below)")
	h.explainTrust(ctx, res, cl.Email)
	if c.EmailPattern != "" {
		d("emailPattern", "checked at login", "the email must match "+c.EmailPattern)
	}
	d("replay", "not checked", "a check never records the jti, so this token still works for one real login; a real login accepts each jti once")
	h.explainClaims(ctx, res, c, doc, "idtoken:", "was not in the token", policy.Documents{IDToken: doc})
}

// tokenDeadline is when the endpoint stops accepting the token: iat plus
// the margin, or exp when earlier.
func tokenDeadline(cl *jwtsso.Claims, margin time.Duration) time.Time {
	t := cl.IssuedAt.Add(margin)
	if !cl.Expires.IsZero() && cl.Expires.Before(t) {
		return cl.Expires
	}
	return t
}

// explainTrust says whether the email's domain is verified for the
// tenant, when Config.Domains can tell (a *domains.Service can).
func (h *Handler) explainTrust(ctx context.Context, res *TestResult, email string) {
	d := func(outcome, why string) {
		res.Decisions = append(res.Decisions, Decision{Rule: "domain trust", Outcome: outcome, Why: why})
	}
	_, domain, _ := strings.Cut(email, "@")
	t, ok := h.cfg.Domains.(emailTrust)
	if !ok {
		d("not checked here", "Config.Domains is not set or cannot tell; at login the domain "+domain+" must be verified for the tenant")
		return
	}
	switch v, err := t.VerifiedFor(ctx, res.Tenant, email); {
	case err != nil:
		d("unknown", "the domain trust source failed; a login would be refused now")
	case v:
		d("verified", domain+" is verified for your organisation")
	default:
		d("not verified", domain+" is not verified for your organisation: a login with this email is refused until you verify it under Domains")
	}
}

// apiJWTCheck checks a pasted partner token: POST
// api/connections/{id}/jwt-check with a JWTCheck body.
func (h *Handler) apiJWTCheck(w http.ResponseWriter, r *http.Request, s session) {
	r.Body = http.MaxBytesReader(w, r.Body, 4*MaxCheckTokenBytes)
	var in JWTCheck
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, APIError{Error: `send {"token": "..."}: ` + err.Error()})
		return
	}
	res, err := h.CheckJWT(r.Context(), s.tenant, r.PathValue("id"), in.Token)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// pageJWTCheck is the page's "Check a token" form: POST
// connections/{id}/jwt-check with the field token.
func (h *Handler) pageJWTCheck(w http.ResponseWriter, r *http.Request, s session) {
	res, err := h.CheckJWT(r.Context(), s.tenant, r.PathValue("id"), r.PostFormValue("token"))
	if err != nil {
		h.pageError(w, r, s, err, &pageData{})
		return
	}
	h.render(w, r, s, http.StatusOK, &pageData{Test: &res})
}
