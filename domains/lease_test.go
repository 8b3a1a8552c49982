package domains_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
)

// lookupCounts counts DNS proof lookups per record name, across instances.
type lookupCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *lookupCounts) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name]++
}

func (c *lookupCounts) get(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[name]
}

// countingResolver counts lookups and passes them on. With hold set, its
// first lookup closes entered and waits for hold to close: the instance
// then sits in a DNS lookup holding the domain's lease.
type countingResolver struct {
	next    domains.Resolver
	counts  *lookupCounts
	hold    chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (r *countingResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	r.counts.add(name)
	if r.hold != nil {
		r.once.Do(func() {
			close(r.entered)
			<-r.hold
		})
	}
	return r.next.LookupTXT(ctx, name)
}

// pair is two instances: Services sharing the env's store, DNS server and
// clock and one Leaser, each with its own counting resolver. Instance a's
// first lookup is held until release is called.
type pair struct {
	*env
	a, b    *domains.Service
	leaser  domains.Leaser
	counts  *lookupCounts
	resA    *countingResolver
	release func()
}

// newPair builds the pair; leaser makes the shared Leaser from the env's
// clock.
func newPair(t *testing.T, leaser func(now func() time.Time) domains.Leaser, tweak ...func(*domains.Config)) *pair {
	t.Helper()
	e := newEnv(t, tweak...)
	p := &pair{env: e, leaser: leaser(e.clock.Now), counts: &lookupCounts{n: map[string]int{}}}
	p.resA = &countingResolver{next: e.dns.resolver(), counts: p.counts,
		hold: make(chan struct{}), entered: make(chan struct{})}
	var once sync.Once
	p.release = func() { once.Do(func() { close(p.resA.hold) }) }
	t.Cleanup(p.release)
	resB := &countingResolver{next: e.dns.resolver(), counts: p.counts}
	p.a, p.b = p.instance(t, p.resA, tweak), p.instance(t, resB, tweak)
	return p
}

func (p *pair) instance(t *testing.T, r domains.Resolver, tweak []func(*domains.Config)) *domains.Service {
	t.Helper()
	cfg := domains.Config{Store: p.store, Resolver: r, Now: p.clock.Now, Lease: p.leaser, OnEvent: p.record}
	for _, f := range tweak {
		f(&cfg)
	}
	svc, err := domains.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func memoryLeaser(now func() time.Time) domains.Leaser { return domains.NewMemoryLeaser(now) }

var pairDomains = []string{"one.example", "two.example", "three.example"}

// dueDomains verifies pairDomains for tenant-a and advances the clock
// until they are due for a re-check.
func (p *pair) dueDomains() {
	for _, n := range pairDomains {
		p.verified("tenant-a", n)
	}
	p.clock.Advance(domains.DefaultRecheckEvery)
}

// recheckBoth runs a's Recheck until it sits in its first lookup (holding
// that domain's lease), then b's Recheck to the end, then lets a finish.
func (p *pair) recheckBoth(t *testing.T) (ra, rb domains.RecheckReport) {
	t.Helper()
	var errA error
	done := make(chan struct{})
	go func() {
		defer close(done)
		ra, errA = p.a.Recheck(context.Background())
	}()
	select {
	case <-p.resA.entered:
	case <-done:
		t.Fatalf("instance a finished without a lookup: %+v, %v", ra, errA)
	}
	rb, errB := p.b.Recheck(context.Background())
	p.release()
	<-done
	if errA != nil || errB != nil {
		t.Fatalf("Recheck errors: a %v, b %v", errA, errB)
	}
	return ra, rb
}

func TestRecheckOncePerDomainAcrossInstances(t *testing.T) {
	p := newPair(t, memoryLeaser)
	p.dueDomains()
	ra, rb := p.recheckBoth(t)
	for _, n := range pairDomains {
		if got := p.counts.get(p.a.RecordName(n) + "."); got != 1 {
			t.Errorf("%s looked up %d times in one round of two instances; want 1", n, got)
		}
		if d := p.get("tenant-a", n); d.State != domains.Verified || !d.LastCheckedAt.Equal(p.clock.Now()) {
			t.Errorf("%s after the round: %v, checked at %v", n, d.State, d.LastCheckedAt)
		}
	}
	// a held the first domain's lease while b ran: b skipped that one and
	// checked the rest; a then found them checked and skipped them.
	if ra.Checked != 1 || ra.Skipped != 2 || rb.Checked != 2 || rb.Skipped != 1 {
		t.Fatalf("reports: a %+v, b %+v", ra, rb)
	}
	if ra.Confirmed+rb.Confirmed != 3 || ra.LeaseFailed+rb.LeaseFailed != 0 {
		t.Fatalf("reports: a %+v, b %+v", ra, rb)
	}
}

// Without a Leaser both instances look every domain up: the baseline the
// lease removes (the store's compare-and-swap still keeps one write).
func TestRecheckWithoutLeaseLooksUpOnEachInstance(t *testing.T) {
	p := newPair(t, func(func() time.Time) domains.Leaser { return nil })
	p.dueDomains()
	p.recheckBoth(t)
	for _, n := range pairDomains {
		if got := p.counts.get(p.a.RecordName(n) + "."); got != 2 {
			t.Errorf("%s looked up %d times without a lease; want 2 (one per instance)", n, got)
		}
	}
}

func TestRecheckLeaseOfCrashedInstanceExpires(t *testing.T) {
	const ttl = 30 * time.Second
	p := newPair(t, memoryLeaser, func(c *domains.Config) { c.LeaseTTL = ttl })
	p.verified("tenant-a", "one.example")
	p.clock.Advance(domains.DefaultRecheckEvery)
	ctx := context.Background()
	// An instance took the lease and died without releasing it.
	if _, ok, err := p.leaser.Acquire(ctx, domains.LeaseKeyRecheck+"one.example", ttl); !ok || err != nil {
		t.Fatalf("crashed holder Acquire = %v, %v", ok, err)
	}
	rec := p.a.RecordName("one.example") + "."
	p.clock.Advance(ttl - time.Nanosecond)
	if rep, err := p.b.Recheck(ctx); err != nil || rep.Skipped != 1 || rep.Checked != 0 || p.counts.get(rec) != 0 {
		t.Fatalf("Recheck while the lease is held = %+v, %v, %d lookups; want skipped", rep, err, p.counts.get(rec))
	}
	p.clock.Advance(time.Nanosecond)
	if rep, err := p.b.Recheck(ctx); err != nil || rep.Checked != 1 || rep.Confirmed != 1 || rep.Skipped != 0 || p.counts.get(rec) != 1 {
		t.Fatalf("Recheck after the lease expired = %+v, %v, %d lookups; want checked once", rep, err, p.counts.get(rec))
	}
}

// failLeaser fails every Acquire; its release (never handed out) would
// fail too.
type failLeaser struct{ err error }

func (f failLeaser) Acquire(context.Context, string, time.Duration) (func(context.Context) error, bool, error) {
	return nil, false, f.err
}

func TestFailingLeaserSkipsAndReports(t *testing.T) {
	down := errors.New("lease store down")
	ctx := context.Background()
	t.Run("recheck skips every domain and changes nothing", func(t *testing.T) {
		// One miss would lose the domain, so a lease error taken as
		// "acquired" would show as a lookup and a loss.
		p := newPair(t, func(func() time.Time) domains.Leaser { return failLeaser{down} },
			func(c *domains.Config) { c.RecheckMisses, c.RecheckGrace = 1, time.Nanosecond })
		p.dueDomains()
		before := map[string]domains.Domain{}
		for _, n := range pairDomains {
			before[n] = p.get("tenant-a", n)
			p.dns.clear(p.a.RecordName(n))
		}
		rep, err := p.b.Recheck(ctx)
		if rep.LeaseFailed != 3 || rep.Checked != 0 || rep.Confirmed != 0 || rep.Missed != 0 || len(rep.Lost) != 0 {
			t.Fatalf("report = %+v; want 3 lease failures and nothing checked", rep)
		}
		var le *domains.LeaseError
		if !errors.Is(err, domains.ErrLease) || !errors.Is(err, down) || !errors.As(err, &le) || le.Op != "acquire" {
			t.Fatalf("err = %v; want a LeaseError wrapping the leaser's error", err)
		}
		for _, n := range pairDomains {
			if d := p.get("tenant-a", n); d.State != domains.Verified || d.Version != before[n].Version || p.counts.get(p.a.RecordName(n)+".") != 0 {
				t.Errorf("%s changed or looked up on a lease error: %+v", n, d)
			}
		}
		if len(p.eventsOf(domains.EventRecheckLost)) != 0 {
			t.Fatal("lease error reported as a lost domain")
		}
	})
	t.Run("expire leaves the domain pending", func(t *testing.T) {
		p := newPair(t, func(func() time.Time) domains.Leaser { return failLeaser{down} })
		p.claim("tenant-a", "acme.example")
		p.clock.Advance(domains.DefaultPendingExpiry)
		got, err := p.b.Expire(ctx)
		if len(got) != 0 || !errors.Is(err, domains.ErrLease) || !errors.Is(err, down) {
			t.Fatalf("Expire = %v, %v; want nothing expired and a lease error", got, err)
		}
		if p.get("tenant-a", "acme.example").State != domains.Pending {
			t.Fatal("domain failed despite the lease error")
		}
	})
}

// releaseFails hands out leases whose release fails.
type releaseFails struct{ domains.Leaser }

func (r releaseFails) Acquire(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, bool, error) {
	_, ok, err := r.Leaser.Acquire(ctx, key, ttl)
	return func(context.Context) error { return errors.New("release lost") }, ok, err
}

func TestFailedLeaseReleaseIsReported(t *testing.T) {
	p := newPair(t, func(now func() time.Time) domains.Leaser { return releaseFails{domains.NewMemoryLeaser(now)} })
	p.verified("tenant-a", "one.example")
	p.clock.Advance(domains.DefaultRecheckEvery)
	rep, err := p.b.Recheck(context.Background())
	var le *domains.LeaseError
	if rep.Confirmed != 1 || !errors.As(err, &le) || le.Op != "release" || le.Key != domains.LeaseKeyRecheck+"one.example" {
		t.Fatalf("Recheck = %+v, %v; want the check done and the release error reported", rep, err)
	}
}

func TestExpireUnderLease(t *testing.T) {
	ctx := context.Background()
	p := newPair(t, memoryLeaser)
	p.claim("tenant-a", "acme.example")
	p.clock.Advance(domains.DefaultPendingExpiry)
	release, ok, err := p.leaser.Acquire(ctx, domains.LeaseKeyExpire+"acme.example", time.Minute)
	if !ok || err != nil {
		t.Fatalf("Acquire = %v, %v", ok, err)
	}
	if got, err := p.b.Expire(ctx); len(got) != 0 || err != nil {
		t.Fatalf("Expire while another instance holds the lease = %v, %v; want it left alone", got, err)
	}
	if p.get("tenant-a", "acme.example").State != domains.Pending {
		t.Fatal("expired under another instance's lease")
	}
	if err := release(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := p.b.Expire(ctx); len(got) != 1 || err != nil || len(p.eventsOf(domains.EventFailed)) != 1 {
		t.Fatalf("Expire after release = %v, %v", got, err)
	}
}

func TestMemoryLeaser(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	m := domains.NewMemoryLeaser(c.Now)
	acquire := func(key string, ttl time.Duration) (func(context.Context) error, bool) {
		t.Helper()
		rel, ok, err := m.Acquire(ctx, key, ttl)
		if err != nil || ok != (rel != nil) {
			t.Fatalf("Acquire(%s) = %v, %v, %v", key, rel != nil, ok, err)
		}
		return rel, ok
	}
	t.Run("one holder until expiry or release", func(t *testing.T) {
		rel, ok := acquire("k1", time.Minute)
		if !ok {
			t.Fatal("free lease not acquired")
		}
		if _, ok := acquire("k1", time.Minute); ok {
			t.Fatal("held lease acquired twice")
		}
		if _, ok := acquire("k2", time.Minute); !ok {
			t.Fatal("other key not acquired")
		}
		if err := rel(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := acquire("k1", time.Minute); !ok {
			t.Fatal("released lease not acquired")
		}
		c.Advance(time.Minute)
		if _, ok := acquire("k1", time.Minute); !ok {
			t.Fatal("expired lease not acquired")
		}
	})
	t.Run("a stale holder's release leaves the new holder's lease", func(t *testing.T) {
		old, _ := acquire("k3", time.Second)
		c.Advance(time.Second)
		if _, ok := acquire("k3", time.Minute); !ok {
			t.Fatal("expired lease not taken over")
		}
		if err := old(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := acquire("k3", time.Minute); ok {
			t.Fatal("stale release ended the new holder's lease")
		}
	})
	t.Run("non-positive ttl is an error", func(t *testing.T) {
		if _, ok, err := m.Acquire(ctx, "k4", 0); ok || err == nil {
			t.Fatalf("Acquire with ttl 0 = %v, %v", ok, err)
		}
	})
	t.Run("expired leases are swept", func(t *testing.T) {
		for i := range 1000 {
			acquire(string(rune('a'+i%26))+time.Duration(i).String(), time.Second)
		}
		c.Advance(time.Second)
		// All expired: every key can be taken again.
		if _, ok := acquire("a0s", time.Second); !ok {
			t.Fatal("expired lease not acquired after a sweep")
		}
	})
}

// ttlLeaser records the ttl asked for.
type ttlLeaser struct {
	mu   sync.Mutex
	ttls []time.Duration
}

func (l *ttlLeaser) Acquire(_ context.Context, _ string, ttl time.Duration) (func(context.Context) error, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ttls = append(l.ttls, ttl)
	return func(context.Context) error { return nil }, true, nil
}

func TestLeaseTTL(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*domains.Config)
		want time.Duration
	}{
		{"default is twice the default lookup timeout", func(*domains.Config) {}, 2 * domains.DefaultLookupTimeout},
		{"default follows LookupTimeout", func(c *domains.Config) { c.LookupTimeout = 3 * time.Second }, 6 * time.Second},
		{"explicit LeaseTTL", func(c *domains.Config) { c.LeaseTTL = time.Minute }, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &ttlLeaser{}
			p := newPair(t, func(func() time.Time) domains.Leaser { return l }, tc.cfg)
			p.verified("tenant-a", "one.example")
			p.clock.Advance(domains.DefaultRecheckEvery)
			if _, err := p.b.Recheck(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(l.ttls) != 1 || l.ttls[0] != tc.want {
				t.Fatalf("ttls = %v; want [%v]", l.ttls, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		cfg  domains.Config
	}{
		{"negative LeaseTTL", domains.Config{LeaseTTL: -time.Second}},
		{"LeaseTTL shorter than LookupTimeout", domains.Config{LeaseTTL: time.Second, LookupTimeout: 2 * time.Second}},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			if _, err := domains.New(tc.cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
}
