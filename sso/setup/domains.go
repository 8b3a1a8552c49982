package setup

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sso"
)

// Domains is the part of [*domains.Service] the domains section uses.
// Operator actions (manual verification, transfer) are deliberately not
// in it: a tenant's admin can only claim a domain and prove it by DNS.
type Domains interface {
	// List returns the tenant's domains, sorted by name.
	List(ctx context.Context, tenant string) ([]domains.Domain, error)
	// Claim records the tenant's claim and returns it with its token.
	Claim(ctx context.Context, tenant, domain string) (domains.Domain, error)
	// Verify looks the DNS proof up now.
	Verify(ctx context.Context, tenant, domain string) (domains.Domain, error)
	// SetIncludeSubdomains switches whether the trust covers subdomains.
	SetIncludeSubdomains(ctx context.Context, tenant, domain string, include bool) (domains.Domain, error)
	// RecordName is the TXT record name to publish for a domain.
	RecordName(name string) string
}

// DomainView is one of the tenant's domains as the setup pages and API
// show it. The TXT record to publish is given only while the domain is
// pending.
type DomainView struct {
	Name     string           `json:"name"`
	State    domains.State    `json:"state"`
	Strategy domains.Strategy `json:"strategy"`
	// Status says what the state means for logins, in words.
	Status string `json:"status"`
	// RecordName and RecordValue are the TXT record to publish (pending
	// domains only).
	RecordName        string     `json:"recordName,omitempty"`
	RecordValue       string     `json:"recordValue,omitempty"`
	IncludeSubdomains bool       `json:"includeSubdomains"`
	LastResult        string     `json:"lastResult"`
	LastCheckedAt     *time.Time `json:"lastCheckedAt,omitempty"`
	VerifiedAt        *time.Time `json:"verifiedAt,omitempty"`
	CreatedAt         time.Time  `json:"createdAt"`
}

// DomainInput is the body of POST api/domains.
type DomainInput struct {
	Domain string `json:"domain"`
}

// SubdomainsInput is the body of POST api/domains/{domain}/subdomains.
type SubdomainsInput struct {
	Include bool `json:"include"`
}

// VerifyResult is the answer of POST api/domains/{domain}/verify: the
// domain after the lookup and what the lookup found, in words. A lookup
// that found no matching record is not an error: Verified is false and
// the domain stays pending.
type VerifyResult struct {
	Domain   DomainView `json:"domain"`
	Verified bool       `json:"verified"`
	Result   string     `json:"result"`
}

func (h *Handler) domainView(d domains.Domain) DomainView {
	v := DomainView{Name: d.Name, State: d.State, Strategy: d.Strategy,
		IncludeSubdomains: d.IncludeSubdomains, LastResult: d.LastResult, CreatedAt: d.CreatedAt}
	switch d.State {
	case domains.Verified:
		v.Status = "verified: logins with emails at this domain are trusted for your organisation"
		if d.Strategy == domains.StrategyManual {
			v.Status = "verified by the operator: logins with emails at this domain are trusted for your organisation"
		}
	case domains.Pending:
		v.Status = "pending: publish the TXT record below, then press Verify now; not trusted yet"
		v.RecordName, v.RecordValue = h.cfg.Domains.RecordName(d.Name), d.Token
	default:
		v.Status = "failed: not verified in time (or moved to another organisation by the operator); not trusted. Claim it again to start over with a new token"
	}
	if !d.LastCheckedAt.IsZero() {
		t := d.LastCheckedAt.UTC()
		v.LastCheckedAt = &t
	}
	if !d.VerifiedAt.IsZero() {
		t := d.VerifiedAt.UTC()
		v.VerifiedAt = &t
	}
	return v
}

// domainWarnings names the connection's routing domains that the tenant
// has not verified: logins are not routed by them (home-realm discovery)
// until they are.
func (h *Handler) domainWarnings(ctx context.Context, tenant string, c sso.Connection) []Warning {
	if h.cfg.Domains == nil || len(c.Domains) == 0 {
		return nil
	}
	ds, err := h.cfg.Domains.List(ctx, tenant)
	if err != nil {
		return nil
	}
	var out []Warning
	for _, name := range c.Domains {
		// Records hold canonical (ASCII) names: bücher.example is
		// recorded as xn--bcher-kva.example.
		canon, err := domains.Normalize(name)
		if err != nil {
			canon = strings.ToLower(strings.TrimSuffix(name, "."))
		}
		if !coveredBy(ds, canon) {
			out = append(out, Warning{Field: "domains", Message: name +
				" is not verified for your organisation: logins are not routed by it until you verify it under Domains"})
		}
	}
	return out
}

// coveredBy reports whether a verified record in ds covers name.
func coveredBy(ds []domains.Domain, name string) bool {
	for _, d := range ds {
		if d.State == domains.Verified && (d.Name == name || d.IncludeSubdomains && strings.HasSuffix(name, "."+d.Name)) {
			return true
		}
	}
	return false
}

func (h *Handler) domainViews(ctx context.Context, tenant string) ([]DomainView, error) {
	ds, err := h.cfg.Domains.List(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]DomainView, 0, len(ds))
	for _, d := range ds {
		out = append(out, h.domainView(d))
	}
	return out, nil
}

// claimDomain claims a domain for the session's tenant and audits it.
func (h *Handler) claimDomain(ctx context.Context, s session, name string) (DomainView, error) {
	d, err := h.cfg.Domains.Claim(ctx, s.tenant, name)
	if errors.Is(err, domains.ErrConflict) {
		h.auditDomain(ctx, s, "domain.conflict", conflictName(err, name), "refused: verified by another organisation")
	}
	if err != nil {
		return DomainView{}, err
	}
	// Claiming a name the tenant already holds returns that record, which
	// may be verified already.
	h.auditDomain(ctx, s, "domain.claim", d.Name, string(d.State)+": "+d.LastResult)
	return h.domainView(d), nil
}

// verifyDomain runs the DNS proof of one of the session tenant's domains.
// A proof that was answered but did not match is a result, not an error;
// a temporary failure is an error and changes nothing.
func (h *Handler) verifyDomain(ctx context.Context, s session, name string) (VerifyResult, error) {
	d, err := h.cfg.Domains.Verify(ctx, s.tenant, name)
	var proof *domains.ProofError
	switch {
	case errors.As(err, &proof):
		res := VerifyResult{Domain: h.domainView(d), Result: proof.Result.Words(proof.RecordName)}
		h.auditDomain(ctx, s, "domain.verify", d.Name, "not verified: "+res.Result)
		return res, nil
	case errors.Is(err, domains.ErrConflict):
		h.auditDomain(ctx, s, "domain.conflict", conflictName(err, name), "refused: verified by another organisation")
		return VerifyResult{}, err
	case err != nil:
		return VerifyResult{}, err
	}
	res := VerifyResult{Domain: h.domainView(d), Verified: d.State == domains.Verified, Result: d.LastResult}
	h.auditDomain(ctx, s, "domain.verify", d.Name, string(d.State)+": "+d.LastResult)
	return res, nil
}

func (h *Handler) setSubdomains(ctx context.Context, s session, name string, include bool) (DomainView, error) {
	d, err := h.cfg.Domains.SetIncludeSubdomains(ctx, s.tenant, name, include)
	if err != nil {
		return DomainView{}, err
	}
	detail := "subdomains excluded"
	if include {
		detail = "subdomains included"
	}
	h.auditDomain(ctx, s, "domain.subdomains", d.Name, detail)
	return h.domainView(d), nil
}

// conflictName is the canonical name a conflict is about, or the name as
// typed when the error does not carry it.
func conflictName(err error, typed string) string {
	var ce *domains.ConflictError
	if errors.As(err, &ce) && ce.Name != "" {
		return ce.Name
	}
	return typed
}

func (h *Handler) auditDomain(ctx context.Context, s session, action, domain, detail string) {
	_ = h.cfg.Audit.Record(ctx, AuditEvent{Time: h.cfg.Now().UTC(), Tenant: s.tenant, Actor: s.actor,
		Action: action, Domain: domain, Detail: detail})
}

// domainErrorStatus maps the errors of package domains to an answer. The
// messages are safe to show: a conflict never names the other tenant.
func domainErrorStatus(err error) (int, APIError, bool) {
	var ne *domains.NameError
	var te *domains.TemporaryError
	var se *domains.StateError
	var nf *domains.NotFoundError
	switch {
	case errors.As(err, &ne):
		msg := nameMessage(ne)
		return http.StatusBadRequest, APIError{Error: msg,
			Problems: []APIProblem{{Path: "domain", Field: "domain", Message: msg}}}, true
	case errors.Is(err, domains.ErrConflict):
		return http.StatusConflict, APIError{Error: err.Error()}, true
	case errors.As(err, &te):
		return http.StatusServiceUnavailable, APIError{Error: "could not look up " + te.RecordName +
			" right now (timeout or DNS server failure); nothing was changed, try again in a minute"}, true
	case errors.As(err, &se):
		return http.StatusConflict, APIError{Error: se.Name + " is " + string(se.State) +
			" (not verified in time, or moved to another organisation by the operator): claim it again to get a new token"}, true
	case errors.As(err, &nf), errors.Is(err, domains.ErrNotFound):
		return http.StatusNotFound, APIError{Error: "your organisation has not claimed this domain"}, true
	case errors.Is(err, domains.ErrStale), errors.Is(err, domains.ErrExists):
		return http.StatusConflict, APIError{Error: "the domain was changed at the same time by another request or by the background checks; reload and try again"}, true
	}
	return 0, APIError{}, false
}

// nameMessage says why a name was refused, for the admin who typed it.
func nameMessage(ne *domains.NameError) string {
	q := "\u201c" + ne.Name + "\u201d"
	switch {
	case strings.HasPrefix(ne.Reason, "is "):
		return q + " " + ne.Reason
	case ne.Reason == "not a valid domain name":
		return q + " is " + ne.Reason
	}
	return q + " is not a valid domain name: " + ne.Reason
}
