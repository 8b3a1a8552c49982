package sso

import (
	"context"

	"github.com/ssokit/ssokit/mapping/policy"
)

// DryRun evaluates a connection's test expressions on the given claims
// documents and lists every claim, for the administrator's "Run" button
// (WhenToWork). It shows claim values: only the tenant's administrators
// may see it. A connection without expressions passes.
func (h *Handler) DryRun(ctx context.Context, tenant, connection string, docs policy.Documents) (policy.Report, error) {
	cc, err := h.connection(ctx, tenant, connection)
	if err != nil {
		return policy.Report{}, err
	}
	p := cc.policy
	if p == nil {
		if p, err = policy.Compile(nil, policy.Options{}); err != nil {
			return policy.Report{}, err
		}
	}
	return p.DryRun(docs), nil
}
