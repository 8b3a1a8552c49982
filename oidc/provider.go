package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// tenantPlaceholder is the placeholder Entra ID puts in the issuer announced
// by its multi-tenant discovery documents.
const tenantPlaceholder = "{tenantid}"

// discovered is what the relying party learned from the discovery document.
type discovered struct {
	issuer   string // expected issuer, or a template containing {tenantid}
	template bool
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	oauth    *oauth2.Config
	client   *http.Client // body-limited, adds client assertions
	algs     []string
	issParam bool // authorization_response_iss_parameter_supported
}

// discoveryMeta are the discovery fields go-oidc does not expose.
type discoveryMeta struct {
	Issuer   string   `json:"issuer"`
	Algs     []string `json:"id_token_signing_alg_values_supported"`
	IssParam bool     `json:"authorization_response_iss_parameter_supported"`
}

// discoverer fetches the discovery document once and caches it. Concurrent
// first callers wait for a single fetch; a failed fetch is not cached.
type discoverer struct {
	rp   *RP
	lock chan struct{}
	cur  atomic.Pointer[discovered]
}

func newDiscoverer(rp *RP) *discoverer {
	return &discoverer{rp: rp, lock: make(chan struct{}, 1)}
}

func (d *discoverer) get(ctx context.Context) (*discovered, error) {
	if p := d.cur.Load(); p != nil {
		return p, nil
	}
	select {
	case d.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, ctx.Err())
	}
	defer func() { <-d.lock }()
	if p := d.cur.Load(); p != nil {
		return p, nil
	}
	p, err := d.rp.discover(ctx)
	if err != nil {
		return nil, err
	}
	d.cur.Store(p)
	return p, nil
}

// Discover fetches and checks the provider's discovery document if it is
// not cached yet. Calling it at start-up surfaces a bad discovery endpoint
// before the first login.
func (rp *RP) Discover(ctx context.Context) error {
	_, err := rp.disc.get(ctx)
	return err
}

func (rp *RP) discover(ctx context.Context) (*discovered, error) {
	hc := limitClient(rp.cfg.HTTPClient)
	hctx := gooidc.ClientContext(ctx, hc)
	issuer, template := rp.cfg.Issuer, false
	prov, err := gooidc.NewProvider(hctx, issuer)
	var mm *gooidc.IssuerMismatchError
	if errors.As(err, &mm) && isTenantTemplate(mm.Discovered, rp.cfg.Issuer) {
		issuer, template = mm.Discovered, true
		prov, err = gooidc.NewProvider(gooidc.InsecureIssuerURLContext(hctx, issuer), rp.cfg.Issuer)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	var meta discoveryMeta
	if err := prov.Claims(&meta); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	if meta.Issuer != issuer { // re-check what InsecureIssuerURLContext skipped
		return nil, fmt.Errorf("%w: issuer %q changed during discovery", ErrDiscovery, meta.Issuer)
	}
	if template && rp.cfg.TenantID == "" && !rp.cfg.InsecureAnyTenant {
		return nil, fmt.Errorf("%w: the multi-tenant issuer %q needs Config.TenantID", ErrDiscovery, issuer)
	}
	return rp.newDiscovered(prov, issuer, template, meta), nil
}

func (rp *RP) newDiscovered(prov *gooidc.Provider, issuer string, template bool, meta discoveryMeta) *discovered {
	ep := prov.Endpoint()
	algs := rp.allowedAlgs(meta.Algs)
	keyCtx := gooidc.ClientContext(context.Background(), limitClient(rp.cfg.HTTPClient))
	keys := gooidc.NewRemoteKeySet(keyCtx, jwksURL(prov))
	verifier := gooidc.NewVerifier(issuer, keys, &gooidc.Config{
		ClientID: rp.cfg.ClientID,
		// Issuer, audience and expiry are checked by this package, with
		// typed errors, the Entra ID tenant template and clock skew.
		SkipIssuerCheck:      true,
		SkipClientIDCheck:    true,
		SkipExpiryCheck:      true,
		SupportedSigningAlgs: algs,
	})
	return &discovered{
		issuer: issuer, template: template, provider: prov, verifier: verifier,
		oauth: rp.oauthConfig(ep), client: rp.tokenClient(ep.TokenURL),
		algs: algs, issParam: meta.IssParam,
	}
}

// jwksURL reads jwks_uri from the discovery document.
func jwksURL(p *gooidc.Provider) string {
	var v struct {
		JWKS string `json:"jwks_uri"`
	}
	_ = p.Claims(&v) // already decoded once by go-oidc
	return v.JWKS
}

// allowedAlgs returns Config.SigningAlgorithms, or the asymmetric algorithms
// the provider announces, or RS256.
func (rp *RP) allowedAlgs(announced []string) []string {
	if len(rp.cfg.SigningAlgorithms) > 0 {
		return slices.Clone(rp.cfg.SigningAlgorithms)
	}
	var out []string
	for _, a := range announced {
		if isAsymmetricAlg(a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = []string{"RS256"}
	}
	return out
}

func (rp *RP) oauthConfig(ep oauth2.Endpoint) *oauth2.Config {
	c := &oauth2.Config{
		ClientID:    rp.cfg.ClientID,
		RedirectURL: rp.cfg.RedirectURL,
		Scopes:      rp.scopes,
		Endpoint:    ep,
	}
	switch rp.cfg.AuthMethod {
	case ClientSecretBasic:
		c.ClientSecret, c.Endpoint.AuthStyle = rp.cfg.ClientSecret, oauth2.AuthStyleInHeader
	case ClientSecretPost:
		c.ClientSecret, c.Endpoint.AuthStyle = rp.cfg.ClientSecret, oauth2.AuthStyleInParams
	case PrivateKeyJWT:
		// client_id in the form; the assertion is added by tokenClient.
		c.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	return c
}

// isTenantTemplate reports whether template is an Entra ID issuer template
// (".../{tenantid}/v2.0") that turns into the discovery URL when the
// placeholder is replaced by the discovery URL's tenant segment ("common",
// "organizations" or a tenant ID). Anything else is an issuer mismatch.
func isTenantTemplate(template, discoveryURL string) bool {
	if strings.Count(template, tenantPlaceholder) != 1 {
		return false
	}
	prefix, suffix, _ := strings.Cut(template, tenantPlaceholder)
	discoveryURL = strings.TrimSuffix(discoveryURL, "/")
	if !strings.HasPrefix(discoveryURL, prefix) || !strings.HasSuffix(discoveryURL, suffix) ||
		len(discoveryURL) <= len(prefix)+len(suffix) {
		return false
	}
	segment := discoveryURL[len(prefix) : len(discoveryURL)-len(suffix)]
	return !strings.ContainsAny(segment, "/?#{}")
}

// expectedIssuer returns the issuer a token must carry: the configured one,
// or the template with the token's tenant ID substituted.
func (d *discovered) expectedIssuer(tid string) (string, bool) {
	if !d.template {
		return d.issuer, true
	}
	if !isTenantID(tid) {
		return "", false
	}
	return strings.Replace(d.issuer, tenantPlaceholder, tid, 1), true
}

// isTenantID reports whether s looks like an Entra ID tenant ID (a GUID).
func isTenantID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case '0' <= r && r <= '9', 'a' <= r && r <= 'f', 'A' <= r && r <= 'F':
		default:
			return false
		}
	}
	return true
}
