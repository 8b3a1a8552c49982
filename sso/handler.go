package sso

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// routes registers the handler's endpoints, relative to the prefix.
func (h *Handler) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /login", h.serveDiscovery)
	m.HandleFunc("GET /{tenant}/login", h.serveLogin)
	m.HandleFunc("GET /{tenant}/providers", h.serveProviders)
	m.HandleFunc("GET /{tenant}/oidc/callback/{connection}", h.serveOIDCCallback)
	m.HandleFunc("POST /{tenant}/saml/acs", h.serveSAMLACS)
	m.HandleFunc("GET /{tenant}/saml/metadata", h.serveSAMLMetadata)
	m.HandleFunc("GET /{tenant}/jwt", h.serveJWT)
	m.HandleFunc("POST /{tenant}/jwt", h.serveJWT)
	h.mux = m
}

// ServeHTTP implements http.Handler. Requests may arrive with the
// BaseURL's path still on (mux.Handle("/sso/", h)) or stripped
// (http.StripPrefix).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.prefix != "" && strings.HasPrefix(r.URL.Path, h.prefix+"/") {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimPrefix(r.URL.Path, h.prefix)
		u.RawPath = strings.TrimPrefix(r.URL.RawPath, h.prefix)
		r2.URL = &u
		r = r2
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

// tenant loads a tenant; a nil store or an unknown tenant is "not
// configured".
func (h *Handler) tenant(ctx context.Context, slug string) (*Tenant, error) {
	if h.cfg.Store == nil {
		return nil, newError(CodeNotConfigured, errors.New("sso: no connection store (SSO disabled)"))
	}
	t, err := h.cfg.Store.Tenant(ctx, slug)
	if errors.Is(err, ErrNotFound) {
		return nil, newError(CodeNotConfigured, err)
	}
	if err != nil {
		return nil, newError(CodeUnavailable, err)
	}
	t.Slug = slug
	return t, nil
}

// connection loads and compiles one enabled connection of a tenant.
func (h *Handler) connection(ctx context.Context, tenant, id string) (*compiled, error) {
	if h.cfg.Store == nil {
		return nil, newError(CodeNotConfigured, errors.New("sso: no connection store (SSO disabled)"))
	}
	c, err := h.cfg.Store.Connection(ctx, tenant, id)
	if errors.Is(err, ErrNotFound) {
		return nil, newError(CodeNotConfigured, err)
	}
	if err != nil {
		return nil, newError(CodeUnavailable, err)
	}
	if c.Disabled {
		return nil, newError(CodeNotConfigured, errors.New("sso: connection is disabled"))
	}
	cc, err := h.compiledFor(ctx, tenant, *c)
	if err != nil {
		return nil, newError(CodeConfig, err)
	}
	return cc, nil
}

// ProviderInfo describes one login button.
type ProviderInfo struct {
	// ID is the connection id; LoginURL starts a login through it.
	ID       string `json:"id"`
	Kind     Kind   `json:"kind"`
	Name     string `json:"name"`
	Mode     Mode   `json:"mode"`
	LoginURL string `json:"loginUrl"`
}

// Providers lists the enabled connections of a tenant, for the host's
// login page: only configured providers get a button.
func (h *Handler) Providers(ctx context.Context, tenant string) ([]ProviderInfo, error) {
	t, err := h.tenant(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := []ProviderInfo{}
	for _, c := range t.Connections {
		if c.Disabled {
			continue
		}
		c.normalize()
		out = append(out, ProviderInfo{ID: c.ID, Kind: c.Kind, Name: c.displayName(), Mode: c.Mode,
			LoginURL: h.LaunchURL(tenant) + "?connection=" + url.QueryEscape(c.ID)})
	}
	return out, nil
}

// serveProviders answers GET {prefix}/{tenant}/providers with the JSON
// list of [ProviderInfo] (an empty list when SSO is not configured, so the
// login page shows no button).
func (h *Handler) serveProviders(w http.ResponseWriter, r *http.Request) {
	ps, err := h.Providers(r.Context(), r.PathValue("tenant"))
	var se *Error
	if errors.As(err, &se) && se.Code == CodeNotConfigured {
		ps, err = []ProviderInfo{}, nil
	}
	if err != nil {
		h.fail(w, r, r.PathValue("tenant"), "", nil, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ps)
}
