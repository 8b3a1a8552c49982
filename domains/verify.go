package domains

import (
	"context"
	"errors"
	"time"
)

// Verify looks up the TXT record of tenant's pending domain now.
//
//   - The token is found: the domain becomes verified (strategy dns).
//   - NXDOMAIN, no TXT data or only other values: the domain stays
//     pending, LastResult says which, and a [*ProofError] is returned
//     with the updated record.
//   - Timeout, SERVFAIL or another failure: a [*TemporaryError]
//     ([ErrTemporary]); nothing is changed.
//   - Another tenant holds the domain verified: a [*ConflictError].
//
// A pending domain past the pending period becomes failed and a
// [*StateError] is returned; so is a failed one (claim it again). A
// verified domain is returned unchanged.
func (s *Service) Verify(ctx context.Context, tenant, domain string) (Domain, error) {
	d, err := s.Get(ctx, tenant, domain)
	if err != nil {
		return Domain{}, err
	}
	switch {
	case d.State == Verified:
		return d, nil
	case d.State == Pending && s.expired(d):
		d, err = s.fail(ctx, d, "not verified within the pending period")
		if err != nil {
			return Domain{}, err
		}
		fallthrough
	case d.State == Failed:
		return d, &StateError{Name: d.Name, State: d.State, Op: "verify"}
	}
	if err := s.checkHolder(ctx, tenant, d.Name); err != nil {
		return d, err
	}
	return s.prove(ctx, d)
}

// prove runs the lookup for a pending record and stores the outcome.
func (s *Service) prove(ctx context.Context, d Domain) (Domain, error) {
	res, err := s.lookup(ctx, d)
	if res == ResultTemporary {
		return d, err
	}
	now := s.cfg.Now()
	d.LastCheckedAt = now
	d.LastResult = res.Words(s.RecordName(d.Name))
	if res != ResultMatch {
		d, err = s.cfg.Store.Update(ctx, d)
		if err != nil {
			return Domain{}, err
		}
		return d, &ProofError{Name: d.Name, RecordName: s.RecordName(d.Name), Result: res}
	}
	d.State, d.Strategy, d.VerifiedAt = Verified, StrategyDNS, now
	d.Misses, d.FirstMissAt = 0, time.Time{}
	d, err = s.cfg.Store.Update(ctx, d)
	if err != nil {
		return Domain{}, s.noteConflict(err)
	}
	s.emit(Event{Kind: EventVerified, Tenant: d.Tenant, Domain: d.Name, At: now,
		Detail: "DNS TXT record found"})
	return d, nil
}

// lookup runs one bounded DNS proof lookup. For ResultTemporary the error
// is a [*TemporaryError].
func (s *Service) lookup(ctx context.Context, d Domain) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.LookupTimeout)
	defer cancel()
	rn := s.RecordName(d.Name)
	res, err := lookupProof(ctx, s.cfg.Resolver, rn, d.Token)
	if res == ResultTemporary {
		return res, &TemporaryError{Name: d.Name, RecordName: rn, Err: err}
	}
	return res, nil
}

func (s *Service) expired(d Domain) bool {
	return !s.cfg.Now().Before(d.PendingSince.Add(s.cfg.PendingExpiry))
}

// fail marks d failed and emits [EventFailed].
func (s *Service) fail(ctx context.Context, d Domain, why string) (Domain, error) {
	d.State, d.LastResult = Failed, why
	d, err := s.cfg.Store.Update(ctx, d)
	if err != nil {
		return Domain{}, err
	}
	s.emit(Event{Kind: EventFailed, Tenant: d.Tenant, Domain: d.Name, Detail: why})
	return d, nil
}

// Expire marks failed every pending domain whose pending period has run
// out, and returns them. Records changed concurrently are skipped; other
// errors are joined.
//
// With Config.Lease each domain is taken under the lease
// LeaseKeyExpire+name; a domain whose lease another instance holds is
// left to that instance (and one that instance already failed is skipped
// here by the store's compare-and-swap). A Leaser error skips
// the domain (it stays pending) and is joined into the returned error as
// a [*LeaseError].
func (s *Service) Expire(ctx context.Context) ([]Domain, error) {
	pending, err := s.cfg.Store.ListByState(ctx, Pending)
	if err != nil {
		return nil, err
	}
	var out []Domain
	var errs []error
	for _, d := range pending {
		if !s.expired(d) {
			continue
		}
		_, err := s.withLease(ctx, LeaseKeyExpire+d.Name, func() error {
			failed, err := s.fail(ctx, d, "not verified within the pending period")
			if err == nil {
				out = append(out, failed)
			}
			return err
		})
		if err != nil && !errors.Is(err, ErrStale) {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
