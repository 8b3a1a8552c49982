package sso

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/ssokit/ssokit/domains"
)

// validateDomains checks the tenants' declared domains: each must say
// "verification": "manual" with a reason, be a name a tenant may own
// (not a public suffix or consumer mail domain), and belong to one tenant.
func validateDomains(tenants []Tenant) []Problem {
	var p problems
	owner := map[string]string{}
	for i := range tenants {
		t := &tenants[i]
		for j, d := range t.Domains {
			path := "$[" + strconv.Quote(t.Slug) + "].domains[" + strconv.Itoa(j) + "]"
			if d.Verification != VerificationManual {
				p.addf(path+".verification", "must be %q: a configuration lists a domain as verified only on an operator's word; tenants prove domains by DNS (package domains)", VerificationManual)
			}
			if d.Reason == "" {
				p.addf(path+".reason", "is required for a manual verification (it is logged)")
			}
			name, err := domains.Normalize(d.Name)
			if err != nil {
				p.addf(path+".name", "%v", err)
				continue
			}
			if o, dup := owner[name]; dup {
				p.addf(path+".name", "domain %q is already listed for tenant %q; a domain belongs to one tenant", name, o)
				continue
			}
			owner[name] = t.Slug
		}
	}
	return p
}

// configOperator names the configuration file in audit records.
const configOperator = "sso configuration"

// recordManualDomains stores the configuration's manually verified
// domains in the trust source and logs each one.
func (h *Handler) recordManualDomains(ctx context.Context) error {
	lister, ok := h.cfg.Store.(manualDomainsLister)
	if !ok {
		return nil
	}
	tenants := lister.manualDomains()
	if len(tenants) == 0 {
		return nil
	}
	mv, ok := h.domains.(manualVerifier)
	if !ok {
		return errors.New("sso: the configuration lists verified domains but Config.Domains cannot record them (use a *domains.Service)")
	}
	var errs []error
	for _, t := range tenants {
		for _, d := range t.Domains {
			rec, err := mv.VerifyManually(ctx, t.Slug, d.Name, domains.Override{Operator: configOperator, Reason: d.Reason})
			if err == nil && d.IncludeSubdomains != rec.IncludeSubdomains {
				rec, err = mv.SetIncludeSubdomains(ctx, t.Slug, d.Name, d.IncludeSubdomains)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			h.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "domain verified manually by the sso configuration",
				slog.String("tenant", t.Slug), slog.String("domain", rec.Name),
				slog.String("reason", d.Reason), slog.Bool("include_subdomains", rec.IncludeSubdomains))
		}
	}
	return errors.Join(errs...)
}
