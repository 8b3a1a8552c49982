package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

func TestSetAllowBreakGlassKeepsSingleIAM(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := sqlstore.ContextWithActor(context.Background(), "admin@acme.example")
		if err := s.SetTenant(ctx, "acme", sqlstore.TenantSettings{SingleIAM: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "acme", oidcConn()); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAllowBreakGlass(ctx, "acme", true); err != nil {
			t.Fatal(err)
		}
		tn, err := s.Tenant(ctx, "acme")
		if err != nil || !tn.AllowBreakGlass || !tn.SingleIAM || len(tn.Connections) != 1 || tn.Connections[0].Version != 1 {
			t.Fatalf("after allowing: %+v %v", tn, err)
		}
		if err := s.SetAllowBreakGlass(ctx, "acme", false); err != nil {
			t.Fatal(err)
		}
		if tn, _ := s.Tenant(ctx, "acme"); tn.AllowBreakGlass || !tn.SingleIAM {
			t.Fatalf("after refusing: %+v", tn)
		}
		log, err := s.AuditLog(ctx, "acme", 2)
		if err != nil || len(log) != 2 {
			t.Fatalf("audit %+v %v", log, err)
		}
		for _, e := range log {
			if e.Action != sqlstore.ActionTenantUpdate || !slices.Equal(e.Changed, []string{"allowBreakGlass"}) || e.Actor != "admin@acme.example" {
				t.Errorf("audit event %+v", e)
			}
		}
		// A new tenant is created, like SetTenant does.
		if err := s.SetAllowBreakGlass(ctx, "globex", true); err != nil {
			t.Fatal(err)
		}
		if g, err := s.Tenant(ctx, "globex"); err != nil || !g.AllowBreakGlass || g.SingleIAM {
			t.Fatalf("globex: %+v %v", g, err)
		}
		if a, _ := s.Tenant(ctx, "acme"); a.AllowBreakGlass {
			t.Fatal("globex's switch reached acme")
		}
	})
}

// The tenant is validated with its stored settings: a tenant made
// invalid behind the store's back cannot be switched.
func TestSetAllowBreakGlassValidates(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := oidcConn(), oidcConn()
		b.ID = "okta2"
		s.Put(ctx, "acme", a)
		s.Put(ctx, "acme", b)
		if _, err := s.DB().Exec("UPDATE ssokit_tenants SET single_iam = TRUE WHERE slug = 'acme'"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAllowBreakGlass(ctx, "acme", true); !errors.Is(err, sso.ErrConfig) {
			t.Fatalf("SetAllowBreakGlass on an invalid tenant = %v, want ErrConfig", err)
		}
		if tn, _ := s.Tenant(ctx, "acme"); tn.AllowBreakGlass {
			t.Fatal("an invalid tenant was changed")
		}
	})
}
