package domains

import (
	"context"
	"time"
)

// Override identifies an operator action: who, and why. Both are required
// and end up in the record and the audit event.
type Override struct {
	Operator string
	Reason   string
}

const maxOverrideLen = 1024

func (o Override) check() error {
	if o.Operator == "" || o.Reason == "" || len(o.Operator) > maxOverrideLen || len(o.Reason) > maxOverrideLen {
		return ErrOperator
	}
	return nil
}

// VerifyManually marks tenant's domain verified on an operator's word,
// claiming it first if needed (strategy manual; not re-checked by DNS).
// It emits [EventManualOverride]. If another tenant holds the domain
// verified it returns a [*ConflictError]: use [Service.Transfer].
// Expose it to operators only, never to tenants.
func (s *Service) VerifyManually(ctx context.Context, tenant, domain string, o Override) (Domain, error) {
	if err := o.check(); err != nil {
		return Domain{}, err
	}
	if _, err := s.Claim(ctx, tenant, domain); err != nil {
		return Domain{}, err
	}
	d, err := s.Get(ctx, tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	return s.promote(ctx, d, o, Event{Kind: EventManualOverride})
}

// promote makes d verified by operator o and emits e.
func (s *Service) promote(ctx context.Context, d Domain, o Override, e Event) (Domain, error) {
	now := s.cfg.Now()
	d.State, d.Strategy, d.VerifiedAt = Verified, StrategyManual, now
	d.Operator, d.Reason = o.Operator, o.Reason
	d.LastResult = "verified manually by an operator"
	d.Misses, d.FirstMissAt = 0, time.Time{}
	d, err := s.cfg.Store.Update(ctx, d)
	if err != nil {
		return Domain{}, s.noteConflict(err)
	}
	e.Tenant, e.Domain, e.At, e.Operator, e.Reason = d.Tenant, d.Name, now, o.Operator, o.Reason
	if e.Detail == "" {
		e.Detail = d.LastResult
	}
	s.emit(e)
	return d, nil
}

// Transfer moves a verified domain to tenant on an operator's word: the
// previous holder's record becomes failed, tenant's record becomes
// verified (strategy manual), and [EventTransferred] is emitted. With no
// current holder it is [Service.VerifyManually]. Expose it to operators
// only, never to tenants.
func (s *Service) Transfer(ctx context.Context, tenant, domain string, o Override) (Domain, error) {
	if err := o.check(); err != nil {
		return Domain{}, err
	}
	name, err := s.prepare(tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	holder, err := s.holder(ctx, name)
	if err != nil {
		return Domain{}, err
	}
	if holder.Tenant == "" || holder.Tenant == tenant {
		return s.VerifyManually(ctx, tenant, name, o)
	}
	// Demote first: if the promotion then fails, nobody holds the domain,
	// which fails closed.
	holder.State, holder.LastResult = Failed, "transferred to another organisation by an operator"
	if _, err := s.cfg.Store.Update(ctx, holder); err != nil {
		return Domain{}, err
	}
	d, err := s.Claim(ctx, tenant, name)
	if err != nil {
		return Domain{}, err
	}
	return s.promote(ctx, d, o, Event{Kind: EventTransferred, FromTenant: holder.Tenant,
		Detail: "transferred from another organisation by an operator"})
}
