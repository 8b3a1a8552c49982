package domains

import (
	"context"
	"errors"
	"time"
)

// RecheckReport summarises one [Service.Recheck] run.
type RecheckReport struct {
	Checked   int      // lookups made
	Confirmed int      // record still present
	Missed    int      // record absent or wrong, still verified (grace)
	Lost      []Domain // returned to pending
	Temporary int      // lookup failed; nothing changed
	// Skipped: another instance holds the domain's lease, or checked the
	// domain after this run listed it ("skipped: another instance").
	Skipped int
	// LeaseFailed: the Leaser failed, so the domain was skipped and
	// nothing changed (never counted as confirmed or lost); the
	// [*LeaseError] is in the returned error.
	LeaseFailed int
}

// Recheck looks up again every DNS-verified domain whose last check is at
// least RecheckEvery old. A found record resets the misses. A miss counts;
// once RecheckMisses consecutive misses span RecheckGrace, the domain
// returns to pending (trust withdrawn) and [EventRecheckLost] is emitted.
// A temporary failure changes nothing. Manually verified domains are not
// re-checked. Records changed concurrently are skipped, never overwritten.
//
// Call it on a schedule. With several instances, set Config.Lease: each
// domain is then checked under the lease LeaseKeyRecheck+name, read again
// once the lease is held, and skipped (Skipped) when another instance
// holds the lease or has checked it meanwhile, so each due domain is
// looked up once per round across all instances. A Leaser error skips the
// domain (LeaseFailed) and is joined into the returned error.
func (s *Service) Recheck(ctx context.Context) (RecheckReport, error) {
	var rep RecheckReport
	verified, err := s.cfg.Store.ListByState(ctx, Verified)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, d := range verified {
		if !s.recheckDue(d) {
			continue
		}
		out, err := s.withLease(ctx, LeaseKeyRecheck+d.Name, func() error {
			return s.recheckLeased(ctx, d, &rep)
		})
		switch out {
		case leaseHeld:
			rep.Skipped++
		case leaseFailed:
			rep.LeaseFailed++
		}
		if err != nil && !errors.Is(err, ErrStale) {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

// recheckDue reports whether d is a DNS-verified domain due for a check.
func (s *Service) recheckDue(d Domain) bool {
	return d.State == Verified && d.Strategy == StrategyDNS &&
		!s.cfg.Now().Before(d.LastCheckedAt.Add(s.cfg.RecheckEvery))
}

// recheckLeased re-checks d. With a Leaser it first reads the record
// again: another instance may have checked it between this run's listing
// and the lease.
func (s *Service) recheckLeased(ctx context.Context, d Domain, rep *RecheckReport) error {
	if s.cfg.Lease != nil {
		cur, err := s.cfg.Store.Get(ctx, d.Tenant, d.Name)
		if errors.Is(err, ErrNotFound) || err == nil && !s.recheckDue(cur) {
			rep.Skipped++
			return nil
		}
		if err != nil {
			return err
		}
		d = cur
	}
	return s.recheckOne(ctx, d, rep)
}

func (s *Service) recheckOne(ctx context.Context, d Domain, rep *RecheckReport) error {
	rep.Checked++
	res, _ := s.lookup(ctx, d)
	if res == ResultTemporary {
		rep.Temporary++
		return nil
	}
	now := s.cfg.Now()
	d.LastCheckedAt, d.LastResult = now, res.Words(s.RecordName(d.Name))
	if res == ResultMatch {
		rep.Confirmed++
		d.Misses, d.FirstMissAt = 0, time.Time{}
		_, err := s.cfg.Store.Update(ctx, d)
		return err
	}
	if d.Misses == 0 {
		d.FirstMissAt = now
	}
	d.Misses++
	lost := d.Misses >= s.cfg.RecheckMisses && !now.Before(d.FirstMissAt.Add(s.cfg.RecheckGrace))
	if lost {
		d.State, d.PendingSince = Pending, now
	}
	d, err := s.cfg.Store.Update(ctx, d)
	if err != nil {
		return err
	}
	if !lost {
		rep.Missed++
		return nil
	}
	rep.Lost = append(rep.Lost, d)
	s.emit(Event{Kind: EventRecheckLost, Tenant: d.Tenant, Domain: d.Name, At: now,
		Detail: d.LastResult})
	return nil
}
