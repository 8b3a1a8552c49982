package domains

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultRunEvery is how often [Service.Run] looks for work when no
// interval is given. Work is only done when due (see RecheckEvery and
// PendingExpiry), so a short interval costs a store query, not lookups.
const DefaultRunEvery = time.Hour

// Run keeps the domains' states true until ctx is done: it runs a round
// at once and then one every interval (zero means [DefaultRunEvery]),
// waiting through Config.After. A round calls [Service.Expire], then
// [Service.Recheck]; their events reach Config.OnEvent as usual. Errors
// of a round go to onError (nil drops them) and do not stop the loop.
// Run returns ctx's error.
//
// Start it once per instance; with several instances, Config.Lease makes
// each domain's lookup happen once per round across all of them.
func (s *Service) Run(ctx context.Context, every time.Duration, onError func(error)) error {
	if every <= 0 {
		every = DefaultRunEvery
	}
	for {
		if err := s.round(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.cfg.After(every):
		}
	}
}

// round runs one Expire and one Recheck, reporting both failures.
func (s *Service) round(ctx context.Context) error {
	var errs []error
	if _, err := s.Expire(ctx); err != nil {
		errs = append(errs, fmt.Errorf("domains: expiring pending domains: %w", err))
	}
	if _, err := s.Recheck(ctx); err != nil {
		errs = append(errs, fmt.Errorf("domains: re-checking verified domains: %w", err))
	}
	return errors.Join(errs...)
}
