package sso

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/mapping"
)

// jwtIssuer is the issuer of identities asserted by a tenant's partner
// JWT connection: partner tokens rarely carry iss, and a partner can only
// vouch for its own tenant, so the issuer names both.
func jwtIssuer(tenant, id string) string {
	return "urn:ssokit:jwt:" + url.PathEscape(tenant) + ":" + url.PathEscape(id)
}

// JWTVerifierConfig is the jwtsso configuration a partner JWT
// connection's tokens are verified with: its SSO key, resolved through
// secrets, and its remote login URL. The caller adds the clock, the
// replay cache and the origin. The handler builds its verifiers from it,
// and so does the setup package's token check, so both judge a token by
// the same rules.
func JWTVerifierConfig(c *Connection, secrets Secrets) (jwtsso.Config, error) {
	secret, err := secrets.Resolve(c.Parameters.SharedSecret)
	if err != nil {
		return jwtsso.Config{}, err
	}
	return jwtsso.Config{Keys: []jwtsso.Key{{Secret: []byte(secret)}}, RemoteLoginURL: c.Parameters.RemoteLoginURL}, nil
}

// jwtVerifier builds the verifier of a JWT SSO connection.
func (h *Handler) jwtVerifier(c *Connection) (*jwtsso.Verifier, error) {
	cfg, err := JWTVerifierConfig(c, h.cfg.Secrets)
	if err != nil {
		return nil, err
	}
	cfg.Origin, cfg.ReplayCache, cfg.Now = h.origin, h.cfg.ReplayCache, h.cfg.Now
	return jwtsso.New(cfg)
}

// startJWT sends the user to the partner's login script with return_to.
func (h *Handler) startJWT(w http.ResponseWriter, r *http.Request, cc *compiled, returnTo string) error {
	if cc.conn.Parameters.RemoteLoginURL == "" {
		return newError(CodeConfig, errors.New("sso: JWT connection without remoteLoginUrl"))
	}
	u, err := cc.proto.(*jwtsso.Verifier).LoginURL(returnTo)
	if err != nil {
		return err
	}
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// serveJWT completes a partner login: {prefix}/{tenant}/jwt?jwt=...&
// return_to=...[&connection=]. Without connection the tenant's only
// enabled JWT connection is used.
func (h *Handler) serveJWT(w http.ResponseWriter, r *http.Request) {
	slug, q := r.PathValue("tenant"), r.URL.Query()
	id := q.Get("connection")
	if id == "" {
		t, err := h.tenant(r.Context(), slug)
		if err != nil {
			h.fail(w, r, slug, "", nil, err)
			return
		}
		id = onlyConnection(t, KindJWT)
	}
	cc, err := h.connection(r.Context(), slug, id)
	if err == nil && cc.conn.Kind != KindJWT {
		err = newError(CodeNotConfigured, errors.New("sso: not a JWT connection"))
	}
	if err != nil {
		h.fail(w, r, slug, id, nil, err)
		return
	}
	token := q.Get("jwt")
	if token == "" && r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		token = r.PostFormValue("jwt")
	}
	returnTo, err := h.returnTo(q.Get("return_to"))
	if err != nil {
		h.fail(w, r, slug, id, nil, err)
		return
	}
	claims, err := cc.proto.(*jwtsso.Verifier).Verify(r.Context(), token)
	if err != nil {
		h.fail(w, r, slug, id, nil, classify(err))
		return
	}
	h.complete(w, r, cc, identityFromJWT(cc, claims), returnTo)
}

// identityFromJWT normalizes a verified partner token. The subject is sub
// when sent, else the email (IT Glue matches users by email).
func identityFromJWT(cc *compiled, c *jwtsso.Claims) Identity {
	doc := map[string]any{}
	_ = json.Unmarshal(c.Raw, &doc)
	doc["email"] = c.Email // claim names are case-insensitive for partners ("Email")
	sub := c.Subject
	if sub == "" {
		sub = c.Email
	}
	return Identity{Tenant: cc.tenant, Connection: cc.conn.ID, Kind: KindJWT,
		Issuer: jwtIssuer(cc.tenant, cc.conn.ID), Subject: sub, Claims: mapping.Claims{IDToken: doc}}
}

// onlyConnection returns the ID of the tenant's single enabled connection
// of a kind, or "".
func onlyConnection(t *Tenant, k Kind) string {
	id := ""
	for i := range t.Connections {
		c := &t.Connections[i]
		if c.Kind == k && !c.Disabled {
			if id != "" {
				return ""
			}
			id = c.connectionID()
		}
	}
	return id
}
