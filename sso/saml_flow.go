package sso

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/saml"
)

// samlCookie holds the sealed SAML login state (request ID, connection,
// return_to). The IdP posts the response cross-site, so it is
// SameSite=None (and therefore Secure).
const samlCookie = "ssokit_saml_state"

// samlStateTTL bounds the time between the AuthnRequest and the response.
const samlStateTTL = 10 * time.Minute

// samlState is what survives the round trip to a SAML IdP.
type samlState struct {
	RequestID  string    `json:"r"`
	Connection string    `json:"c"`
	ReturnTo   string    `json:"t"`
	Expires    time.Time `json:"e"`
}

// samlSP builds the service provider of a SAML connection. Fetching
// metadata from a URL is the only I/O, done once per connection version.
func (h *Handler) samlSP(ctx context.Context, tenant string, c *Connection) (*saml.ServiceProvider, error) {
	idp, err := SAMLIdP(ctx, c, h.cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	return saml.New(saml.Config{EntityID: h.samlEntityID(tenant), ACSURL: h.samlACSURL(tenant), IdP: idp,
		ReplayCache: h.cfg.ReplayCache, Now: h.cfg.Now, Rand: h.cfg.Rand})
}

// SAMLIdP reads a SAML connection's identity provider from where its
// parameters say: metadata XML, else the metadata URL (fetched with
// client), else issuer, SSO URL and certificate. The handler's logins and
// the setup package's test logins and certificate warnings all read it
// here, so they agree on which settings win.
func SAMLIdP(ctx context.Context, c *Connection, client *http.Client) (*saml.IdP, error) {
	p := &c.Parameters
	switch {
	case p.MetadataXML != "":
		return saml.ParseIdPMetadata([]byte(p.MetadataXML))
	case p.MetadataURL != "":
		return saml.FetchIdPMetadata(ctx, client, p.MetadataURL)
	}
	return saml.IdPFromSettings(p.IdPIssuer, p.SSOURL, p.Certificate)
}

func (h *Handler) samlEntityID(tenant string) string {
	return h.base + "/" + url.PathEscape(tenant) + "/saml/metadata"
}

func (h *Handler) samlACSURL(tenant string) string {
	return h.base + "/" + url.PathEscape(tenant) + "/saml/acs"
}

func (h *Handler) samlSealer(tenant string) (*groupsync.Sealer, error) {
	key, err := h.connectionKey(tenant, "", "saml state")
	if err != nil {
		return nil, err
	}
	return groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"s": key}, Current: "s", Rand: h.cfg.Rand})
}

// startSAML redirects to the IdP with an AuthnRequest and keeps its ID,
// sealed, in a cookie scoped to the tenant's ACS.
func (h *Handler) startSAML(w http.ResponseWriter, r *http.Request, cc *compiled, returnTo string) error {
	sp := cc.proto.(*saml.ServiceProvider)
	req, err := sp.RedirectAuthnRequest("")
	if err != nil {
		return err
	}
	st := samlState{RequestID: req.ID, Connection: cc.conn.ID, ReturnTo: returnTo, Expires: h.cfg.Now().Add(samlStateTTL)}
	plain, _ := json.Marshal(st)
	s, err := h.samlSealer(cc.tenant)
	if err != nil {
		return err
	}
	sealed, err := s.Seal(cc.tenant, string(plain))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: samlCookie, Value: string(sealed), Path: h.prefix + "/" + url.PathEscape(cc.tenant) + "/saml/acs",
		Expires: st.Expires, HttpOnly: true, Secure: !h.cfg.InsecureCookies, SameSite: h.samlSameSite()})
	http.Redirect(w, r, req.URL, http.StatusFound)
	return nil
}

func (h *Handler) samlSameSite() http.SameSite {
	if h.cfg.InsecureCookies {
		return http.SameSiteLaxMode
	}
	return http.SameSiteNoneMode
}

// openSAMLState reads and checks the browser's sealed SAML state.
func (h *Handler) openSAMLState(r *http.Request, tenant string) (*samlState, error) {
	ck, err := r.Cookie(samlCookie)
	if err != nil || len(ck.Value) > 4096 {
		return nil, newError(CodeInvalidState, errors.New("sso: no SAML login state in this browser"))
	}
	s, err := h.samlSealer(tenant)
	if err != nil {
		return nil, newError(CodeConfig, err)
	}
	plain, err := s.Open(tenant, []byte(ck.Value))
	if err != nil {
		return nil, newError(CodeInvalidState, err)
	}
	var st samlState
	if err := json.Unmarshal([]byte(plain), &st); err != nil || st.RequestID == "" {
		return nil, newError(CodeInvalidState, errors.New("sso: malformed SAML state"))
	}
	if !h.cfg.Now().Before(st.Expires) {
		return nil, newError(CodeInvalidState, errors.New("sso: SAML state expired"))
	}
	return &st, nil
}

// serveSAMLACS verifies the IdP's response: POST {prefix}/{tenant}/saml/acs.
func (h *Handler) serveSAMLACS(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("tenant")
	st, err := h.openSAMLState(r, slug)
	if err != nil {
		h.fail(w, r, slug, "", nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: samlCookie, Path: h.prefix + "/" + url.PathEscape(slug) + "/saml/acs", MaxAge: -1,
		HttpOnly: true, Secure: !h.cfg.InsecureCookies, SameSite: h.samlSameSite()})
	cc, err := h.connection(r.Context(), slug, st.Connection)
	if err == nil && cc.conn.Kind != KindSAML {
		err = newError(CodeNotConfigured, errors.New("sso: not a SAML connection"))
	}
	if err != nil {
		h.fail(w, r, slug, st.Connection, nil, err)
		return
	}
	res, err := cc.proto.(*saml.ServiceProvider).HandleACS(r.Context(), w, r, []string{st.RequestID})
	if err != nil {
		h.fail(w, r, slug, st.Connection, nil, classify(err))
		return
	}
	returnTo, err := h.returnTo(st.ReturnTo)
	if err != nil {
		h.fail(w, r, slug, st.Connection, nil, err)
		return
	}
	h.complete(w, r, cc, identityFromSAML(cc, res.Assertion), returnTo)
}

// identityFromSAML normalizes a verified assertion.
func identityFromSAML(cc *compiled, a *saml.Assertion) Identity {
	attrs := make(map[string][]string, len(a.Attributes))
	for _, at := range a.Attributes {
		attrs[at.Name] = at.Values
	}
	return Identity{Tenant: cc.tenant, Connection: cc.conn.ID, Kind: KindSAML,
		Issuer: a.Issuer, Subject: a.NameID.Value, Claims: mapping.Claims{SAML: attrs}}
}

// serveSAMLMetadata serves the SP metadata: GET
// {prefix}/{tenant}/saml/metadata[?connection=].
func (h *Handler) serveSAMLMetadata(w http.ResponseWriter, r *http.Request) {
	slug, id := r.PathValue("tenant"), r.URL.Query().Get("connection")
	if id == "" {
		t, err := h.tenant(r.Context(), slug)
		if err != nil {
			h.fail(w, r, slug, "", nil, err)
			return
		}
		for i := range t.Connections {
			if c := &t.Connections[i]; c.Kind == KindSAML && !c.Disabled && id == "" {
				id = c.connectionID()
			}
		}
	}
	cc, err := h.connection(r.Context(), slug, id)
	if err == nil && cc.conn.Kind != KindSAML {
		err = newError(CodeNotConfigured, errors.New("sso: not a SAML connection"))
	}
	if err != nil {
		h.fail(w, r, slug, id, nil, err)
		return
	}
	md, err := cc.proto.(*saml.ServiceProvider).Metadata()
	if err != nil {
		h.fail(w, r, slug, id, nil, newError(CodeConfig, err))
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(md)
}
