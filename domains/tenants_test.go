package domains_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

var ops = domains.Override{Operator: "ops@saas.example", Reason: "ticket 42: customer proved ownership by letter"}

func TestCrossTenantConflict(t *testing.T) {
	ctx := context.Background()
	t.Run("claiming another tenant's verified domain is a conflict", func(t *testing.T) {
		e := newEnv(t)
		e.verified("tenant-a", "acme.example")
		_, err := e.svc.Claim(ctx, "tenant-b", "ACME.example")
		var ce *domains.ConflictError
		if !errors.As(err, &ce) || ce.Holder != "tenant-a" || ce.Tenant != "tenant-b" || ce.Name != "acme.example" {
			t.Fatalf("err = %#v; want ConflictError", err)
		}
		if strings.Contains(err.Error(), "tenant-a") {
			t.Fatalf("message names the holder: %q", err)
		}
		evs := e.eventsOf(domains.EventConflict)
		if len(evs) != 1 || evs[0].Tenant != "tenant-b" || evs[0].FromTenant != "tenant-a" {
			t.Fatalf("conflict events = %+v", evs)
		}
	})
	t.Run("second tenant's own DNS proof is a conflict, trust stays with the first", func(t *testing.T) {
		e := newEnv(t)
		b := e.claim("tenant-b", "acme.example") // both claim while pending
		e.verified("tenant-a", "acme.example")
		e.publish(b)
		_, err := e.svc.Verify(ctx, "tenant-b", "acme.example")
		wantErr(t, err, domains.ErrConflict)
		if e.get("tenant-b", "acme.example").State != domains.Pending {
			t.Fatal("second tenant verified")
		}
		if e.verifiedFor("tenant-b", "ceo@acme.example") || !e.verifiedFor("tenant-a", "ceo@acme.example") {
			t.Fatal("trust moved")
		}
		if evs := e.eventsOf(domains.EventConflict); len(evs) != 1 || evs[0].Tenant != "tenant-b" {
			t.Fatalf("conflict events = %+v", evs)
		}
	})
	t.Run("tenants racing to verify: exactly one wins", func(t *testing.T) {
		e := newEnv(t)
		tenants := []string{"t1", "t2", "t3", "t4", "t5", "t6"}
		for _, tn := range tenants {
			e.publish(e.claim(tn, "acme.example"))
		}
		errs := make(chan error, len(tenants))
		for _, tn := range tenants {
			go func() {
				_, err := e.svc.Verify(ctx, tn, "acme.example")
				errs <- err
			}()
		}
		won := 0
		for range tenants {
			switch err := <-errs; {
			case err == nil:
				won++
			case !errors.Is(err, domains.ErrConflict):
				t.Fatalf("unexpected error %v", err)
			}
		}
		holders := 0
		for _, tn := range tenants {
			if e.verifiedFor(tn, "acme.example") {
				holders++
			}
		}
		if won != 1 || holders != 1 {
			t.Fatalf("%d won, %d trusted; want exactly one", won, holders)
		}
	})
	t.Run("manual verification cannot take another tenant's domain", func(t *testing.T) {
		e := newEnv(t)
		e.verified("tenant-a", "acme.example")
		_, err := e.svc.VerifyManually(ctx, "tenant-b", "acme.example", ops)
		wantErr(t, err, domains.ErrConflict)
	})
	t.Run("operator transfer moves the domain", func(t *testing.T) {
		e := newEnv(t)
		e.verified("tenant-a", "acme.example")
		d, err := e.svc.Transfer(ctx, "tenant-b", "acme.example", ops)
		if err != nil || d.State != domains.Verified || d.Strategy != domains.StrategyManual || d.Operator != ops.Operator || d.Reason != ops.Reason {
			t.Fatalf("Transfer = %+v, %v", d, err)
		}
		if e.get("tenant-a", "acme.example").State != domains.Failed {
			t.Fatal("previous holder still verified")
		}
		if e.verifiedFor("tenant-a", "ceo@acme.example") || !e.verifiedFor("tenant-b", "ceo@acme.example") {
			t.Fatal("trust not moved")
		}
		evs := e.eventsOf(domains.EventTransferred)
		if len(evs) != 1 || evs[0].Tenant != "tenant-b" || evs[0].FromTenant != "tenant-a" || evs[0].Operator != ops.Operator || evs[0].Reason != ops.Reason {
			t.Fatalf("transfer events = %+v", evs)
		}
	})
	t.Run("transfer needs an operator and a reason", func(t *testing.T) {
		e := newEnv(t)
		e.verified("tenant-a", "acme.example")
		for _, o := range []domains.Override{{}, {Operator: "ops"}, {Reason: "why"}} {
			_, err := e.svc.Transfer(ctx, "tenant-b", "acme.example", o)
			wantErr(t, err, domains.ErrOperator)
		}
		if !e.verifiedFor("tenant-a", "acme.example") {
			t.Fatal("refused transfer changed the holder")
		}
	})
}

func TestVerifyManually(t *testing.T) {
	ctx := context.Background()
	t.Run("operator verifies with a reason, audited", func(t *testing.T) {
		e := newEnv(t)
		d, err := e.svc.VerifyManually(ctx, "tenant-a", "acme.example", ops)
		if err != nil || d.State != domains.Verified || d.Strategy != domains.StrategyManual || d.Operator != ops.Operator {
			t.Fatalf("VerifyManually = %+v, %v", d, err)
		}
		evs := e.eventsOf(domains.EventManualOverride)
		if len(evs) != 1 || evs[0].Operator != ops.Operator || evs[0].Reason != ops.Reason || evs[0].Tenant != "tenant-a" {
			t.Fatalf("events = %+v", evs)
		}
	})
	t.Run("without operator or reason nothing changes", func(t *testing.T) {
		e := newEnv(t)
		e.claim("tenant-a", "acme.example")
		for _, o := range []domains.Override{{}, {Operator: "ops"}, {Reason: "why"}, {Operator: "ops", Reason: strings.Repeat("x", 2000)}} {
			_, err := e.svc.VerifyManually(ctx, "tenant-a", "acme.example", o)
			wantErr(t, err, domains.ErrOperator)
		}
		if e.get("tenant-a", "acme.example").State != domains.Pending {
			t.Fatal("verified without operator")
		}
	})
	t.Run("consumer domains cannot be verified manually", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.VerifyManually(ctx, "tenant-a", "gmail.com", ops)
		wantErr(t, err, domains.ErrConsumerDomain)
	})
}
