package domains_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
)

// ticker hands Run its ticks one at a time: Run's wait is announced on
// waits, and the test releases it with tick.
type ticker struct {
	waits chan time.Duration
	ch    chan time.Time
}

func newTicker() *ticker {
	return &ticker{waits: make(chan time.Duration), ch: make(chan time.Time)}
}

func (k *ticker) After(d time.Duration) <-chan time.Time {
	k.waits <- d
	return k.ch
}

func TestRunExpiresAndRechecksOnSchedule(t *testing.T) {
	k := newTicker()
	e := newEnv(t, func(c *domains.Config) {
		c.After = k.After
		c.RecheckMisses, c.RecheckGrace, c.RecheckEvery = 2, 24*time.Hour, 24*time.Hour
	})
	pending := e.claim("acme", "pending.example")
	kept := e.verified("acme", "kept.example")

	var mu sync.Mutex
	var errs []error
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.svc.Run(ctx, 0, func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() })
	}()
	// round waits for Run to finish a round and start waiting; it checks
	// the interval asked for.
	round := func() {
		t.Helper()
		if d := <-k.waits; d != domains.DefaultRunEvery {
			t.Fatalf("Run waits %v, want %v", d, domains.DefaultRunEvery)
		}
	}
	round() // the first round runs at once: nothing is due yet
	if e.get("acme", pending.Name).State != domains.Pending || e.get("acme", kept.Name).Misses != 0 {
		t.Fatal("the first round changed domains that were not due")
	}

	e.clock.Advance(domains.DefaultPendingExpiry)
	e.dns.clear(e.svc.RecordName(kept.Name))
	k.ch <- e.clock.Now()
	round()
	if got := e.get("acme", pending.Name).State; got != domains.Failed {
		t.Fatalf("pending domain after its period: %s, want failed", got)
	}
	if got := e.get("acme", kept.Name); got.State != domains.Verified || got.Misses != 1 {
		t.Fatalf("verified domain after one miss: %s with %d misses", got.State, got.Misses)
	}

	e.clock.Advance(24 * time.Hour)
	k.ch <- e.clock.Now()
	round()
	if got := e.get("acme", kept.Name).State; got != domains.Pending || e.verifiedFor("acme", "ann@kept.example") {
		t.Fatalf("verified domain after the grace: %s, still trusted", got)
	}
	if len(e.eventsOf(domains.EventRecheckLost)) != 1 || len(e.eventsOf(domains.EventFailed)) != 1 {
		t.Fatalf("events: %d recheck_lost, %d failed; want 1 each", len(e.eventsOf(domains.EventRecheckLost)), len(e.eventsOf(domains.EventFailed)))
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 0 {
		t.Fatalf("rounds reported errors: %v", errs)
	}
}

// A round's failure is reported and the loop goes on.
func TestRunReportsErrorsAndContinues(t *testing.T) {
	k := newTicker()
	e := newEnv(t, func(c *domains.Config) { c.After = k.After })
	e.claim("acme", "pending.example")
	failing := errors.New("store down")
	reported := make(chan error, 4)
	svc, err := domains.New(domains.Config{Store: brokenStore{e.store, failing}, After: k.After, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx, time.Minute, func(err error) { reported <- err }) }()
	for range 2 {
		if d := <-k.waits; d != time.Minute {
			t.Fatalf("Run waits %v, want 1m", d)
		}
		if err := <-reported; !errors.Is(err, failing) {
			t.Fatalf("reported %v, want the store's error", err)
		}
		k.ch <- e.clock.Now()
	}
	<-k.waits
	<-reported
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

// brokenStore fails every listing.
type brokenStore struct {
	*domains.MemoryStore
	err error
}

func (b brokenStore) ListByState(context.Context, domains.State) ([]domains.Domain, error) {
	return nil, b.err
}
