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
}

// Recheck looks up again every DNS-verified domain whose last check is at
// least RecheckEvery old. A found record resets the misses. A miss counts;
// once RecheckMisses consecutive misses span RecheckGrace, the domain
// returns to pending (trust withdrawn) and [EventRecheckLost] is emitted.
// A temporary failure changes nothing. Manually verified domains are not
// re-checked. Call it on a schedule; with several instances, run it under
// a lease (records changed concurrently are skipped, never overwritten).
func (s *Service) Recheck(ctx context.Context) (RecheckReport, error) {
	var rep RecheckReport
	verified, err := s.cfg.Store.ListByState(ctx, Verified)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, d := range verified {
		if d.Strategy != StrategyDNS || s.cfg.Now().Before(d.LastCheckedAt.Add(s.cfg.RecheckEvery)) {
			continue
		}
		if err := s.recheckOne(ctx, d, &rep); err != nil && !errors.Is(err, ErrStale) {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
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
