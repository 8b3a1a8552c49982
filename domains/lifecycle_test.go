package domains_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
)

func TestExpirePending(t *testing.T) {
	ctx := context.Background()
	t.Run("pending domain fails after 30 days by default", func(t *testing.T) {
		e := newEnv(t)
		e.claim("tenant-a", "acme.example")
		e.clock.Advance(30*24*time.Hour - time.Second)
		if got, err := e.svc.Expire(ctx); err != nil || len(got) != 0 {
			t.Fatalf("Expire before 30 days = %v, %v", got, err)
		}
		if e.get("tenant-a", "acme.example").State != domains.Pending {
			t.Fatal("failed too early")
		}
		e.clock.Advance(time.Second)
		got, err := e.svc.Expire(ctx)
		if err != nil || len(got) != 1 || got[0].State != domains.Failed {
			t.Fatalf("Expire at 30 days = %+v, %v", got, err)
		}
		if e.get("tenant-a", "acme.example").State != domains.Failed || len(e.eventsOf(domains.EventFailed)) != 1 {
			t.Fatal("not failed, or no failed event")
		}
	})
	t.Run("configured period", func(t *testing.T) {
		e := newEnv(t, func(c *domains.Config) { c.PendingExpiry = time.Hour })
		e.claim("tenant-a", "acme.example")
		e.clock.Advance(time.Hour)
		if got, _ := e.svc.Expire(ctx); len(got) != 1 {
			t.Fatalf("Expire = %v", got)
		}
	})
	t.Run("verify after the period fails the domain even with the record", func(t *testing.T) {
		e := newEnv(t)
		d := e.claim("tenant-a", "acme.example")
		e.publish(d)
		e.clock.Advance(31 * 24 * time.Hour)
		got, err := e.svc.Verify(ctx, "tenant-a", "acme.example")
		var se *domains.StateError
		if !errors.As(err, &se) || got.State != domains.Failed || e.get("tenant-a", "acme.example").State != domains.Failed {
			t.Fatalf("Verify = %v, %v; want failed and StateError", got.State, err)
		}
		if e.verifiedFor("tenant-a", "acme.example") {
			t.Fatal("expired domain trusted")
		}
	})
	t.Run("a failed domain cannot be verified, only claimed again", func(t *testing.T) {
		e := newEnv(t)
		d := e.claim("tenant-a", "acme.example")
		e.clock.Advance(30 * 24 * time.Hour)
		if _, err := e.svc.Expire(ctx); err != nil {
			t.Fatal(err)
		}
		e.publish(d)
		_, err := e.svc.Verify(ctx, "tenant-a", "acme.example")
		wantErr(t, err, domains.ErrState)
		if e.get("tenant-a", "acme.example").State != domains.Failed {
			t.Fatal("failed domain verified")
		}
	})
	t.Run("claiming a failed domain again starts over with a new token", func(t *testing.T) {
		e := newEnv(t)
		old := e.claim("tenant-a", "acme.example")
		e.clock.Advance(31 * 24 * time.Hour)
		if _, err := e.svc.Expire(ctx); err != nil {
			t.Fatal(err)
		}
		e.publish(old)
		d := e.claim("tenant-a", "acme.example")
		if d.State != domains.Pending || d.Token == old.Token || !d.PendingSince.Equal(e.clock.Now()) {
			t.Fatalf("re-claim = %+v", d)
		}
		_, err := e.svc.Verify(ctx, "tenant-a", "acme.example")
		wantErr(t, err, domains.ErrNotVerified) // the old token no longer counts
		e.publish(d)
		if _, err := e.svc.Verify(ctx, "tenant-a", "acme.example"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("verified domains never expire", func(t *testing.T) {
		e := newEnv(t)
		e.verified("tenant-a", "acme.example")
		e.clock.Advance(365 * 24 * time.Hour)
		if got, _ := e.svc.Expire(ctx); len(got) != 0 {
			t.Fatalf("Expire = %v", got)
		}
	})
}

// recheckEnv verifies acme.example, then removes its record.
func recheckEnv(t *testing.T, misses int, grace, every time.Duration) *env {
	e := newEnv(t, func(c *domains.Config) {
		c.RecheckMisses, c.RecheckGrace, c.RecheckEvery = misses, grace, every
	})
	d := e.verified("tenant-a", "acme.example")
	e.dns.clear(e.svc.RecordName(d.Name))
	return e
}

func (e *env) recheckAfter(d time.Duration) domains.RecheckReport {
	e.t.Helper()
	e.clock.Advance(d)
	rep, err := e.svc.Recheck(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

func TestRecheck(t *testing.T) {
	t.Run("misses within the grace period keep the domain verified", func(t *testing.T) {
		e := recheckEnv(t, 2, 72*time.Hour, time.Hour)
		for i := 0; i < 5; i++ {
			e.recheckAfter(time.Hour)
		}
		if d := e.get("tenant-a", "acme.example"); d.State != domains.Verified || d.Misses != 5 {
			t.Fatalf("after 5 misses in 5 hours: %s, misses %d", d.State, d.Misses)
		}
		rep := e.recheckAfter(68 * time.Hour) // 72h after the first miss
		if len(rep.Lost) != 1 || e.get("tenant-a", "acme.example").State != domains.Pending {
			t.Fatalf("after the grace period: %+v", rep)
		}
	})
	t.Run("the grace period alone is not enough, misses must add up", func(t *testing.T) {
		e := recheckEnv(t, 3, time.Hour, 24*time.Hour)
		e.recheckAfter(24 * time.Hour)
		rep := e.recheckAfter(24 * time.Hour)
		if rep.Missed != 1 || e.get("tenant-a", "acme.example").State != domains.Verified {
			t.Fatalf("after 2 misses over 24h: %+v", rep)
		}
		rep = e.recheckAfter(24 * time.Hour)
		if len(rep.Lost) != 1 {
			t.Fatalf("after 3 misses: %+v", rep)
		}
	})
	t.Run("lost domain is pending, untrusted, audited and not expired at once", func(t *testing.T) {
		e := recheckEnv(t, 1, time.Hour, time.Hour)
		e.recheckAfter(time.Hour)
		e.recheckAfter(time.Hour)
		d := e.get("tenant-a", "acme.example")
		if d.State != domains.Pending || !d.PendingSince.Equal(e.clock.Now()) {
			t.Fatalf("record = %+v", d)
		}
		if e.verifiedFor("tenant-a", "ceo@acme.example") {
			t.Fatal("trust not withdrawn")
		}
		if tenant, ok, _ := e.svc.TenantFor(context.Background(), "acme.example"); ok {
			t.Fatalf("still routes to %s", tenant)
		}
		evs := e.eventsOf(domains.EventRecheckLost)
		if len(evs) != 1 || evs[0].Tenant != "tenant-a" || evs[0].Domain != "acme.example" {
			t.Fatalf("events = %+v", evs)
		}
		if got, _ := e.svc.Expire(context.Background()); len(got) != 0 {
			t.Fatal("lost domain expired at once")
		}
		e.publish(d) // the owner puts the record back
		if _, err := e.svc.Verify(context.Background(), "tenant-a", "acme.example"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("by default three misses are needed, even past the grace period", func(t *testing.T) {
		e := recheckEnv(t, 0, 0, 72*time.Hour)
		e.recheckAfter(72 * time.Hour)
		rep := e.recheckAfter(72 * time.Hour) // 2 misses spanning 72h
		if rep.Missed != 1 || e.get("tenant-a", "acme.example").State != domains.Verified {
			t.Fatalf("after 2 misses over 72h: %+v", rep)
		}
		if rep = e.recheckAfter(72 * time.Hour); len(rep.Lost) != 1 {
			t.Fatalf("after the third miss: %+v", rep)
		}
	})
	t.Run("by default the misses must span 72 hours", func(t *testing.T) {
		e := recheckEnv(t, 0, 0, time.Hour)
		for i := 0; i < 3; i++ {
			e.recheckAfter(time.Hour)
		}
		if d := e.get("tenant-a", "acme.example"); d.State != domains.Verified || d.Misses != 3 {
			t.Fatalf("after 3 misses in 2 hours: %s, misses %d", d.State, d.Misses)
		}
		rep := e.recheckAfter(70*time.Hour - time.Second)
		if len(rep.Lost) != 0 {
			t.Fatalf("lost a second before 72h: %+v", rep)
		}
		if rep = e.recheckAfter(time.Hour); len(rep.Lost) != 1 {
			t.Fatalf("the next check past 72h: %+v", rep)
		}
	})
	t.Run("a found record resets the misses", func(t *testing.T) {
		e := recheckEnv(t, 3, time.Hour, time.Hour)
		e.recheckAfter(time.Hour)
		e.recheckAfter(time.Hour)
		d := e.get("tenant-a", "acme.example")
		e.publish(d)
		rep := e.recheckAfter(time.Hour)
		e.dns.clear(e.svc.RecordName(d.Name))
		e.recheckAfter(time.Hour)
		e.recheckAfter(time.Hour)
		if got := e.get("tenant-a", "acme.example"); rep.Confirmed != 1 || got.State != domains.Verified || got.Misses != 2 {
			t.Fatalf("confirmed %d, state %s, misses %d", rep.Confirmed, got.State, got.Misses)
		}
	})
	t.Run("a temporary failure changes nothing", func(t *testing.T) {
		e := recheckEnv(t, 1, time.Hour, time.Hour)
		e.dns.failWith("_ssokit-verification.acme.example")
		before := e.get("tenant-a", "acme.example")
		rep := e.recheckAfter(5 * time.Hour)
		if rep.Temporary != 1 || e.get("tenant-a", "acme.example") != before {
			t.Fatalf("report %+v; record changed", rep)
		}
	})
	t.Run("domains checked recently are not looked up", func(t *testing.T) {
		e := recheckEnv(t, 1, time.Hour, 24*time.Hour)
		if rep := e.recheckAfter(23 * time.Hour); rep.Checked != 0 {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("manually verified domains are not re-checked", func(t *testing.T) {
		e := newEnv(t, func(c *domains.Config) { c.RecheckMisses, c.RecheckGrace = 1, time.Hour })
		o := domains.Override{Operator: "ops@saas.example", Reason: "ticket 42"}
		if _, err := e.svc.VerifyManually(context.Background(), "tenant-a", "acme.example", o); err != nil {
			t.Fatal(err)
		}
		if rep := e.recheckAfter(48 * time.Hour); rep.Checked != 0 || !e.verifiedFor("tenant-a", "acme.example") {
			t.Fatalf("report %+v", rep)
		}
	})
}

// staleStore fails every Update as if another instance got there first.
type staleStore struct{ domains.DomainStore }

func (staleStore) Update(context.Context, domains.Domain) (domains.Domain, error) {
	return domains.Domain{}, domains.ErrStale
}

func TestBackgroundWorkSkipsRecordsChangedConcurrently(t *testing.T) {
	ctx := context.Background()
	e := recheckEnv(t, 1, time.Hour, time.Hour)
	e.claim("tenant-b", "beta.example")
	stale, err := domains.New(domains.Config{Store: staleStore{e.store}, Resolver: e.dns.resolver(),
		Now: e.clock.Now, RecheckMisses: 1, RecheckGrace: time.Hour, RecheckEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	rep, err := stale.Recheck(ctx)
	if err != nil || len(rep.Lost) != 0 || rep.Checked != 1 {
		t.Fatalf("Recheck = %+v, %v", rep, err)
	}
	expired, err := stale.Expire(ctx)
	if err != nil || len(expired) != 0 {
		t.Fatalf("Expire = %+v, %v", expired, err)
	}
	if e.get("tenant-a", "acme.example").State != domains.Verified || e.get("tenant-b", "beta.example").State != domains.Pending {
		t.Fatal("a stale update was written")
	}
}
