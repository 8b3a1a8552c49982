package sso

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// DiscoverTenant returns the tenant whose verified domain holds email, for
// a login page that asks for the email before it knows the organisation.
// Only verified domains count (see Config.Domains); ok is false when no
// tenant has verified the domain, and an error of the trust source is
// returned with ok false.
func (h *Handler) DiscoverTenant(ctx context.Context, email string) (tenant string, ok bool, err error) {
	domain := emailDomain(strings.TrimSpace(email))
	if domain == "" {
		return "", false, nil
	}
	tenant, ok, err = h.domains.TenantFor(ctx, domain)
	if err != nil || !ok || tenant == "" {
		return "", false, err
	}
	return tenant, true, nil
}

// serveDiscovery answers GET {prefix}/login?email=...&return_to=... by
// sending the browser to the login of the tenant that verified the
// email's domain (which then routes by its connections' Domains).
func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	email := strings.TrimSpace(q.Get("email"))
	if _, err := h.returnTo(q.Get("return_to")); err != nil {
		h.fail(w, r, "", "", nil, err)
		return
	}
	tenant, ok, err := h.DiscoverTenant(r.Context(), email)
	switch {
	case err != nil:
		h.fail(w, r, "", "", nil, newError(CodeUnavailable, err))
		return
	case !ok:
		h.fail(w, r, "", "", nil, newError(CodeDomainNotVerified,
			&UntrustedEmailError{Domain: emailDomain(email), Reason: "no tenant has verified the domain"}))
		return
	}
	if _, err := h.tenant(r.Context(), tenant); err != nil {
		h.fail(w, r, tenant, "", nil, err)
		return
	}
	next := url.Values{"email": {email}}
	if rt := q.Get("return_to"); rt != "" {
		next.Set("return_to", rt)
	}
	http.Redirect(w, r, h.LaunchURL(tenant)+"?"+next.Encode(), http.StatusFound)
}
