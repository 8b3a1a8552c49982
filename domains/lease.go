package domains

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Leaser hands out short exclusive leases by key, so that with several
// instances sharing one [DomainStore] each domain is re-checked (and
// expired) by one instance per round. Set it as Config.Lease;
// redisstore.Store implements it for instances sharing a Redis, and
// [MemoryLeaser] for one process.
//
// Acquire tries to take the lease on key for ttl. It returns ok true and a
// release function when the caller now holds the lease; ok false and a nil
// error when another holder has it; and a non-nil error (with ok false)
// when it cannot tell, which the caller treats as "not acquired". The
// lease ends at release or when ttl has passed, whichever is first.
// Release must end only the lease it returned: once the lease has expired
// and been taken by another holder, a late release must leave the new
// holder's lease alone.
//
// No fencing token is needed: every write the [Service] makes is a
// compare-and-swap on the record's Version ([DomainStore].Update), so a
// holder whose lease expired while it waited on DNS and whose successor
// already wrote gets [ErrStale] and drops its result. The lease only
// saves the duplicate DNS lookups; the CAS keeps the record correct even
// when a lease is lost.
type Leaser interface {
	Acquire(ctx context.Context, key string, ttl time.Duration) (release func(context.Context) error, ok bool, err error)
}

// Lease key prefixes used by [Service.Recheck] and [Service.Expire]; the
// canonical domain name follows.
const (
	LeaseKeyRecheck = "domains:recheck:"
	LeaseKeyExpire  = "domains:expire:"
)

// ErrLease: the lease for a domain could not be taken or released (the
// Leaser failed). The domain was skipped and nothing was changed.
var ErrLease = errors.New("domains: lease unavailable")

// LeaseError reports a failed [Leaser] call. It matches [ErrLease] with
// errors.Is; Unwrap gives the Leaser's error.
type LeaseError struct {
	Key string // the lease key, e.g. "domains:recheck:example.com"
	Op  string // "acquire" or "release"
	Err error  // the Leaser's error
}

// Error names the lease key and the operation that failed.
func (e *LeaseError) Error() string {
	return fmt.Sprintf("%v: %s %q: %v", ErrLease, e.Op, e.Key, e.Err)
}

// Unwrap returns the Leaser's error.
func (e *LeaseError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrLease].
func (e *LeaseError) Is(target error) bool { return target == ErrLease }

// leaseOutcome says what happened to one leased piece of work.
type leaseOutcome int

const (
	leaseRan    leaseOutcome = iota // the lease was held (or no Leaser is set) and fn ran
	leaseHeld                       // another instance holds the lease
	leaseFailed                     // the Leaser failed; see the error
)

// withLease runs fn while holding the lease on key. Without a Leaser it
// just runs fn. The release uses a context that survives ctx's
// cancellation, bounded by LookupTimeout, so that an ended run still frees
// its lease early.
func (s *Service) withLease(ctx context.Context, key string, fn func() error) (leaseOutcome, error) {
	if s.cfg.Lease == nil {
		return leaseRan, fn()
	}
	release, ok, err := s.cfg.Lease.Acquire(ctx, key, s.cfg.LeaseTTL)
	switch {
	case err != nil:
		return leaseFailed, &LeaseError{Key: key, Op: "acquire", Err: err}
	case !ok || release == nil:
		return leaseHeld, nil
	}
	ferr := fn()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.LookupTimeout)
	defer cancel()
	if rerr := release(rctx); rerr != nil {
		ferr = errors.Join(ferr, &LeaseError{Key: key, Op: "release", Err: rerr})
	}
	return leaseRan, ferr
}

// MemoryLeaser is a [Leaser] for one process (and for tests), with an
// injected clock. It is safe for concurrent use. It coordinates only the
// Services of one process: several instances need a shared one such as
// redisstore.Store.
type MemoryLeaser struct {
	now func() time.Time

	mu        sync.Mutex
	leases    map[string]memLease
	gen       uint64
	nextSweep int
}

type memLease struct {
	gen   uint64
	until time.Time
}

// NewMemoryLeaser returns an empty MemoryLeaser judging expiry by now (nil
// means [time.Now]).
func NewMemoryLeaser(now func() time.Time) *MemoryLeaser {
	if now == nil {
		now = time.Now
	}
	return &MemoryLeaser{now: now, leases: map[string]memLease{}, nextSweep: 64}
}

// Acquire takes the lease on key for ttl unless an unexpired lease holds
// it. ttl must be positive. The release function ends this lease only;
// once it has expired and been taken again, it does nothing.
func (m *MemoryLeaser) Acquire(_ context.Context, key string, ttl time.Duration) (func(context.Context) error, bool, error) {
	if ttl <= 0 {
		return nil, false, errors.New("domains: lease ttl must be positive")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if l, ok := m.leases[key]; ok && now.Before(l.until) {
		return nil, false, nil
	}
	m.sweep(now)
	m.gen++
	gen := m.gen
	m.leases[key] = memLease{gen: gen, until: now.Add(ttl)}
	return func(context.Context) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if l, ok := m.leases[key]; ok && l.gen == gen {
			delete(m.leases, key)
		}
		return nil
	}, true, nil
}

// sweep drops expired leases once the map has doubled since the last
// sweep, so the map stays bounded by the live leases at O(1) amortised
// cost.
func (m *MemoryLeaser) sweep(now time.Time) {
	if len(m.leases) < m.nextSweep {
		return
	}
	for k, l := range m.leases {
		if !now.Before(l.until) {
			delete(m.leases, k)
		}
	}
	m.nextSweep = max(64, 2*len(m.leases))
}
