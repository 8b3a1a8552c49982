package domains_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	t.Run("one record per tenant and name", func(t *testing.T) {
		s := domains.NewMemoryStore()
		d, err := s.Create(ctx, domains.Domain{Tenant: "a", Name: "acme.example", State: domains.Pending})
		if err != nil || d.Version != 1 {
			t.Fatalf("Create = %+v, %v", d, err)
		}
		_, err = s.Create(ctx, domains.Domain{Tenant: "a", Name: "acme.example", State: domains.Pending})
		wantErr(t, err, domains.ErrExists)
		if _, err := s.Create(ctx, domains.Domain{Tenant: "b", Name: "acme.example", State: domains.Pending}); err != nil {
			t.Fatalf("second tenant's pending claim refused: %v", err)
		}
	})
	t.Run("only one tenant holds a name verified", func(t *testing.T) {
		s := domains.NewMemoryStore()
		if _, err := s.Create(ctx, domains.Domain{Tenant: "a", Name: "acme.example", State: domains.Verified}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Create(ctx, domains.Domain{Tenant: "b", Name: "acme.example", State: domains.Verified})
		var ce *domains.ConflictError
		if !errors.As(err, &ce) || ce.Holder != "a" {
			t.Fatalf("Create = %v; want ConflictError", err)
		}
		b, err := s.Create(ctx, domains.Domain{Tenant: "b", Name: "acme.example", State: domains.Pending})
		if err != nil {
			t.Fatal(err)
		}
		b.State = domains.Verified
		_, err = s.Update(ctx, b)
		wantErr(t, err, domains.ErrConflict)
	})
	t.Run("update is compare-and-swap on the version", func(t *testing.T) {
		s := domains.NewMemoryStore()
		d, _ := s.Create(ctx, domains.Domain{Tenant: "a", Name: "acme.example", State: domains.Pending})
		d2, err := s.Update(ctx, d)
		if err != nil || d2.Version != 2 {
			t.Fatalf("Update = %+v, %v", d2, err)
		}
		_, err = s.Update(ctx, d) // still version 1
		wantErr(t, err, domains.ErrStale)
		_, err = s.Update(ctx, domains.Domain{Tenant: "a", Name: "missing.example", Version: 1})
		wantErr(t, err, domains.ErrNotFound)
		_, err = s.Get(ctx, "b", "acme.example")
		wantErr(t, err, domains.ErrNotFound)
	})
	t.Run("lists are scoped and sorted", func(t *testing.T) {
		s := domains.NewMemoryStore()
		for _, r := range []struct{ tenant, name string }{{"a", "z.example"}, {"a", "b.example"}, {"b", "b.example"}} {
			if _, err := s.Create(ctx, domains.Domain{Tenant: r.tenant, Name: r.name, State: domains.Pending}); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.List(ctx, "a")
		if len(got) != 2 || got[0].Name != "b.example" || got[1].Name != "z.example" {
			t.Fatalf("List(a) = %+v", got)
		}
		byName, _ := s.ListByName(ctx, "b.example")
		if len(byName) != 2 || byName[0].Tenant != "a" || byName[1].Tenant != "b" {
			t.Fatalf("ListByName = %+v", byName)
		}
		if v, _ := s.ListByState(ctx, domains.Verified); len(v) != 0 {
			t.Fatalf("ListByState(verified) = %+v", v)
		}
	})
	t.Run("cancelled context is refused", func(t *testing.T) {
		s := domains.NewMemoryStore()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Create(cctx, domains.Domain{Tenant: "a", Name: "acme.example"})
		wantErr(t, err, context.Canceled)
	})
}

func TestMemoryStoreConcurrentVerification(t *testing.T) {
	ctx := context.Background()
	s := domains.NewMemoryStore()
	const n = 20
	recs := make([]domains.Domain, n)
	for i := range recs {
		d, err := s.Create(ctx, domains.Domain{Tenant: fmt.Sprint("t", i), Name: "acme.example", State: domains.Pending})
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = d
	}
	var won, conflicts atomic.Int32
	var wg sync.WaitGroup
	for _, d := range recs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.State = domains.Verified
			_, err := s.Update(ctx, d)
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, domains.ErrConflict):
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || conflicts.Load() != n-1 {
		t.Fatalf("won %d, conflicts %d; want exactly one winner", won.Load(), conflicts.Load())
	}
}
