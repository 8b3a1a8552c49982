package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/domains"
	"github.com/ssokit/ssokit/sqlstore"
)

// TestDomainStoreConformance runs one suite against domains.MemoryStore
// and the SQL store on SQLite and PostgreSQL.
func TestDomainStoreConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) { domainSuite(t, domains.NewMemoryStore()) })
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) { domainSuite(t, s.Domains()) })
}

func domainSuite(t *testing.T, s domains.DomainStore) {
	ctx := context.Background()
	full := domains.Domain{Tenant: "a", Name: "acme.example", State: domains.Pending, Token: "tok",
		Strategy: domains.StrategyManual, Operator: "ops", Reason: "ticket 1", IncludeSubdomains: true,
		CreatedAt: t0, PendingSince: t0.Add(time.Hour), LastCheckedAt: t0.Add(2 * time.Hour), LastResult: "no record",
		Misses: 2, FirstMissAt: t0.Add(3 * time.Hour)}
	t.Run("every field round-trips", func(t *testing.T) {
		d, err := s.Create(ctx, full)
		if err != nil || d.Version != 1 {
			t.Fatalf("Create = %+v, %v", d, err)
		}
		got, err := s.Get(ctx, "a", "acme.example")
		want := full
		want.Version = 1
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Get =\n%+v, %v\nwant\n%+v", got, err, want)
		}
	})
	t.Run("one record per tenant and name", func(t *testing.T) {
		if _, err := s.Create(ctx, full); !errors.Is(err, domains.ErrExists) {
			t.Fatalf("Create again = %v, want ErrExists", err)
		}
		if _, err := s.Create(ctx, domains.Domain{Tenant: "b", Name: "acme.example", State: domains.Pending}); err != nil {
			t.Fatalf("second tenant's pending claim: %v", err)
		}
	})
	t.Run("only one tenant holds a name verified", func(t *testing.T) {
		a, _ := s.Get(ctx, "a", "acme.example")
		a.State, a.VerifiedAt = domains.Verified, t0
		a, err := s.Update(ctx, a)
		if err != nil || a.Version != 2 {
			t.Fatalf("verify a = %+v, %v", a, err)
		}
		b, _ := s.Get(ctx, "b", "acme.example")
		b.State = domains.Verified
		_, err = s.Update(ctx, b)
		var ce *domains.ConflictError
		if !errors.As(err, &ce) || ce.Holder != "a" || ce.Tenant != "b" || !errors.Is(err, domains.ErrConflict) {
			t.Fatalf("verify b = %v, want ConflictError held by a", err)
		}
		_, err = s.Create(ctx, domains.Domain{Tenant: "c", Name: "acme.example", State: domains.Verified})
		if !errors.As(err, &ce) || ce.Holder != "a" {
			t.Fatalf("create verified c = %v, want ConflictError", err)
		}
		// The holder itself may update its verified record.
		a.LastResult = "still there"
		if _, err := s.Update(ctx, a); err != nil {
			t.Fatalf("holder update: %v", err)
		}
	})
	t.Run("update is compare-and-swap on the version", func(t *testing.T) {
		b, _ := s.Get(ctx, "b", "acme.example")
		if _, err := s.Update(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, b); !errors.Is(err, domains.ErrStale) {
			t.Fatalf("stale Update = %v", err)
		}
		var nf *domains.NotFoundError
		if _, err := s.Update(ctx, domains.Domain{Tenant: "a", Name: "missing.example", Version: 1}); !errors.As(err, &nf) {
			t.Fatalf("Update missing = %v", err)
		}
		if _, err := s.Get(ctx, "z", "acme.example"); !errors.Is(err, domains.ErrNotFound) {
			t.Fatalf("Get other tenant = %v", err)
		}
	})
	t.Run("lists are scoped and sorted", func(t *testing.T) {
		s.Create(ctx, domains.Domain{Tenant: "a", Name: "Z-last.example", State: domains.Failed})
		s.Create(ctx, domains.Domain{Tenant: "a", Name: "b.example", State: domains.Pending})
		names := func(ds []domains.Domain) (out []string) {
			for _, d := range ds {
				out = append(out, d.Tenant+"/"+d.Name)
			}
			return out
		}
		l, _ := s.List(ctx, "a")
		if got := names(l); !reflect.DeepEqual(got, []string{"a/Z-last.example", "a/acme.example", "a/b.example"}) {
			t.Fatalf("List(a) = %v", got)
		}
		l, _ = s.ListByName(ctx, "acme.example")
		if got := names(l); !reflect.DeepEqual(got, []string{"a/acme.example", "b/acme.example"}) {
			t.Fatalf("ListByName = %v", got)
		}
		l, _ = s.ListByState(ctx, domains.Pending)
		if got := names(l); !reflect.DeepEqual(got, []string{"b/acme.example", "a/b.example"}) {
			t.Fatalf("ListByState = %v", got)
		}
	})
	t.Run("racing verifications: one tenant wins", func(t *testing.T) {
		var pending []domains.Domain
		for _, tenant := range []string{"t1", "t2", "t3", "t4"} {
			d, err := s.Create(ctx, domains.Domain{Tenant: tenant, Name: "race.example", State: domains.Pending})
			if err != nil {
				t.Fatal(err)
			}
			pending = append(pending, d)
		}
		errs := make([]error, len(pending))
		var wg sync.WaitGroup
		for i, d := range pending {
			wg.Go(func() {
				d.State = domains.Verified
				_, errs[i] = s.Update(ctx, d)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if !errors.Is(err, domains.ErrConflict) {
				t.Errorf("unexpected %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d tenants verified the same name", wins)
		}
	})
}
