package redisstore_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

// Store.Acquire is the Leaser of package domains.
var _ domains.Leaser = (*redisstore.Store)(nil)

func mustAcquire(t *testing.T, s *redisstore.Store, key string, ttl time.Duration) (func(context.Context) error, bool) {
	t.Helper()
	release, ok, err := s.Acquire(context.Background(), key, ttl)
	if err != nil || ok != (release != nil) {
		t.Fatalf("Acquire(%s) = %v, %v, %v", key, release != nil, ok, err)
	}
	return release, ok
}

// waitAcquire polls Acquire until it succeeds, bounded by five seconds.
func waitAcquire(t *testing.T, s *redisstore.Store, key string, ttl time.Duration) func(context.Context) error {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if release, ok := mustAcquire(t, s, key, ttl); ok {
			return release
		}
		if time.Now().After(deadline) {
			t.Fatalf("lease %s not free after five seconds", key)
		}
		<-tick.C
	}
}

func TestAcquireOneHolderAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	a := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "app:"})
	b := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "app:"})
	ctx := context.Background()
	const key = "domains:recheck:a.example"
	release, ok := mustAcquire(t, a, key, time.Minute)
	if !ok {
		t.Fatal("free lease not acquired")
	}
	if _, ok := mustAcquire(t, b, key, time.Minute); ok {
		t.Fatal("held lease acquired by a second instance")
	}
	if _, ok := mustAcquire(t, b, "domains:recheck:b.example", time.Minute); !ok {
		t.Fatal("another key not acquired")
	}
	// The key is under the prefix and expires within the ttl.
	c := srv.Client(t)
	if a.LeaseKey(key) != "app:lease:"+key {
		t.Fatalf("LeaseKey = %q", a.LeaseKey(key))
	}
	if pttl, err := c.PTTL(ctx, a.LeaseKey(key)).Result(); err != nil || pttl <= 0 || pttl > time.Minute {
		t.Fatalf("PTTL = %v, %v; want within the minute", pttl, err)
	}
	if err := release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := mustAcquire(t, b, key, time.Minute); !ok {
		t.Fatal("released lease not acquired")
	}
	// Another prefix is another deployment: its leases are separate.
	other := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "other:"})
	if _, ok := mustAcquire(t, other, key, time.Minute); !ok {
		t.Fatal("lease shared across prefixes")
	}
}

func TestStaleReleaseKeepsNewHolderLease(t *testing.T) {
	srv := redistest.Start(t)
	a := newStore(t, redisstore.Config{Addr: srv.Addr()})
	b := newStore(t, redisstore.Config{Addr: srv.Addr()})
	ctx := context.Background()
	const key = "domains:recheck:a.example"
	stale, ok := mustAcquire(t, a, key, 50*time.Millisecond)
	if !ok {
		t.Fatal("free lease not acquired")
	}
	// a's lease expires (a stalled); b takes it over.
	waitAcquire(t, b, key, time.Minute)
	if err := stale(ctx); err != nil {
		t.Fatalf("stale release: %v", err)
	}
	if _, ok := mustAcquire(t, a, key, time.Minute); ok {
		t.Fatal("a stale holder's release ended the new holder's lease")
	}
	if n, err := srv.Client(t).Exists(ctx, b.LeaseKey(key)).Result(); err != nil || n != 1 {
		t.Fatalf("new holder's key exists = %d, %v", n, err)
	}
}

func TestAcquireRefusesBadInput(t *testing.T) {
	// A closed port: a round trip would fail with ErrUnavailable instead.
	s := newStore(t, redisstore.Config{Addr: closedAddr(t)})
	for _, tc := range []struct {
		name string
		key  string
		ttl  time.Duration
	}{
		{"empty key", "", time.Second},
		{"long key", string(make([]byte, redisstore.MaxLeaseKeyLen+1)), time.Second},
		{"zero ttl", "k", 0},
		{"negative ttl", "k", -time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release, ok, err := s.Acquire(context.Background(), tc.key, tc.ttl)
			if !errors.Is(err, redisstore.ErrLeaseKey) || ok || release != nil {
				t.Fatalf("Acquire = %v, %v, %v; want ErrLeaseKey", release != nil, ok, err)
			}
		})
	}
}

func TestReleaseWhenRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, redisstore.Config{Addr: srv.Addr(), Timeout: time.Second})
	release, ok := mustAcquire(t, s, "k", time.Minute)
	if !ok {
		t.Fatal("not acquired")
	}
	srv.Stop()
	var ue *redisstore.UnavailableError
	if err := release(context.Background()); !errors.As(err, &ue) || ue.Op != "release" {
		t.Fatalf("release with Redis down = %v; want UnavailableError", err)
	}
}

func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// txtMap is a Resolver over fixed TXT records that counts lookups per
// record name, across instances.
type txtMap struct {
	mu      sync.Mutex
	records map[string]string
	counts  map[string]int
}

func (m *txtMap) set(name, token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records[name+"."] = token
}

func (m *txtMap) count(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts[name+"."]
}

func (m *txtMap) LookupTXT(_ context.Context, name string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[name]++
	if v, ok := m.records[name]; ok {
		return []string{v}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// holdFirst holds the first lookup through it until hold closes.
type holdFirst struct {
	next    domains.Resolver
	hold    chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (h *holdFirst) LookupTXT(ctx context.Context, name string) ([]string, error) {
	h.once.Do(func() {
		close(h.entered)
		<-h.hold
	})
	return h.next.LookupTXT(ctx, name)
}

// fixedClock is the services' clock; the leases run on Redis time.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// domainsPair is two domains.Service instances sharing one DomainStore
// and one Redis (each through its own redisstore.Store, as separate
// processes would).
type domainsPair struct {
	a, b  *domains.Service
	dns   *txtMap
	clock *fixedClock
	hold  *holdFirst
	names []string
}

func newDomainsPair(t *testing.T, addr string, leaseTTL time.Duration) *domainsPair {
	t.Helper()
	p := &domainsPair{
		dns:   &txtMap{records: map[string]string{}, counts: map[string]int{}},
		clock: &fixedClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		names: []string{"one.example", "two.example", "three.example"},
	}
	p.hold = &holdFirst{next: p.dns, hold: make(chan struct{}), entered: make(chan struct{})}
	t.Cleanup(p.release)
	store := domains.NewMemoryStore()
	mk := func(r domains.Resolver) *domains.Service {
		svc, err := domains.New(domains.Config{Store: store, Resolver: r, Now: p.clock.Now,
			Lease: newStore(t, redisstore.Config{Addr: addr}), LeaseTTL: leaseTTL, LookupTimeout: leaseTTL})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	p.a, p.b = mk(p.hold), mk(p.dns)
	ctx := context.Background()
	for _, n := range p.names {
		d, err := p.b.Claim(ctx, "tenant-a", n)
		if err != nil {
			t.Fatal(err)
		}
		p.dns.set(p.b.RecordName(n), d.Token)
		if d, err := p.b.Verify(ctx, "tenant-a", n); err != nil || d.State != domains.Verified {
			t.Fatalf("Verify(%s) = %v, %v", n, d.State, err)
		}
	}
	p.clock.Advance(domains.DefaultRecheckEvery)
	return p
}

func (p *domainsPair) release() {
	select {
	case <-p.hold.hold:
	default:
		close(p.hold.hold)
	}
}

func TestDomainsRecheckOncePerDomainOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	p := newDomainsPair(t, srv.Addr(), 10*time.Second)
	before := map[string]int{}
	for _, n := range p.names {
		before[n] = p.dns.count(p.b.RecordName(n))
	}
	var ra domains.RecheckReport
	var errA error
	done := make(chan struct{})
	go func() {
		defer close(done)
		ra, errA = p.a.Recheck(context.Background())
	}()
	select {
	case <-p.hold.entered: // a sits in its first lookup, holding that lease
	case <-done:
		t.Fatalf("a finished without a lookup: %+v, %v", ra, errA)
	}
	rb, errB := p.b.Recheck(context.Background())
	p.release()
	<-done
	if errA != nil || errB != nil {
		t.Fatalf("Recheck errors: a %v, b %v", errA, errB)
	}
	for _, n := range p.names {
		if got := p.dns.count(p.b.RecordName(n)) - before[n]; got != 1 {
			t.Errorf("%s looked up %d times in one round of two instances; want 1", n, got)
		}
	}
	if ra.Checked != 1 || ra.Skipped != 2 || rb.Checked != 2 || rb.Skipped != 1 || ra.Confirmed+rb.Confirmed != 3 {
		t.Fatalf("reports: a %+v, b %+v", ra, rb)
	}
}

func TestDomainsRecheckTakesOverExpiredRedisLease(t *testing.T) {
	srv := redistest.Start(t)
	p := newDomainsPair(t, srv.Addr(), time.Second)
	// A third instance took one.example's lease and died. Redis expires
	// it after crashTTL.
	const crashTTL = 500 * time.Millisecond
	crashed := newStore(t, redisstore.Config{Addr: srv.Addr()})
	if _, ok := mustAcquire(t, crashed, domains.LeaseKeyRecheck+"one.example", crashTTL); !ok {
		t.Fatal("crashed holder did not get the lease")
	}
	ctx := context.Background()
	one := p.b.RecordName("one.example")
	base := p.dns.count(one)
	if rep, err := p.b.Recheck(ctx); err != nil || rep.Checked != 2 || rep.Skipped != 1 || p.dns.count(one) != base {
		t.Fatalf("round while the lease is held = %+v, %v; want one.example skipped", rep, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for p.dns.count(one) == base {
		if time.Now().After(deadline) {
			t.Fatal("expired lease not taken over within five seconds")
		}
		<-tick.C
		if _, err := p.b.Recheck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.dns.count(one) - base; got != 1 {
		t.Fatalf("one.example looked up %d times after the lease expired; want 1", got)
	}
	if d, err := p.b.Get(ctx, "tenant-a", "one.example"); err != nil || !d.LastCheckedAt.Equal(p.clock.Now()) {
		t.Fatalf("one.example after take-over: %+v, %v", d, err)
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestAcquireWithoutRandomnessIsNotAcquired(t *testing.T) {
	s := newStore(t, redisstore.Config{Addr: closedAddr(t), Rand: failReader{}})
	release, ok, err := s.Acquire(context.Background(), "k", time.Second)
	if err == nil || ok || release != nil {
		t.Fatalf("Acquire = %v, %v, %v; want an error and no lease", release != nil, ok, err)
	}
}
