package sso_test

import (
	"errors"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

func TestMemoryStoreSetAllowBreakGlass(t *testing.T) {
	a := oidcConn("one", sso.KindOIDC)
	store, err := sso.NewMemoryStore(sso.Secrets{}, sso.Tenant{Slug: "acme", SingleIAM: true, Connections: []sso.Connection{a}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := store.SetAllowBreakGlass(ctx, "acme", true); err != nil {
		t.Fatal(err)
	}
	tn, err := store.Tenant(ctx, "acme")
	if err != nil || !tn.AllowBreakGlass || !tn.SingleIAM || len(tn.Connections) != 1 || tn.Connections[0].Version != 1 {
		t.Fatalf("after allowing: %+v %v", tn, err)
	}
	if err := store.SetAllowBreakGlass(ctx, "globex", true); err != nil {
		t.Fatal(err)
	}
	if g, err := store.Tenant(ctx, "globex"); err != nil || !g.AllowBreakGlass {
		t.Fatalf("new tenant: %+v %v", g, err)
	}
	if err := store.SetAllowBreakGlass(ctx, "acme", false); err != nil {
		t.Fatal(err)
	}
	if tn, _ := store.Tenant(ctx, "acme"); tn.AllowBreakGlass {
		t.Fatal("still allowed after refusing")
	}
	if g, _ := store.Tenant(ctx, "globex"); !g.AllowBreakGlass {
		t.Fatal("acme's switch reached globex")
	}

	// The tenant is validated with the change, as by Put: once a secret
	// it references is gone, the tenant is refused and left as it was.
	env := map[string]string{"ACME_SECRET": "app-secret"}
	secrets := sso.Secrets{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	c := a
	c.Parameters.ClientSecret = "env:ACME_SECRET"
	refs, err := sso.NewMemoryStore(secrets, sso.Tenant{Slug: "acme", Connections: []sso.Connection{c}})
	if err != nil {
		t.Fatal(err)
	}
	delete(env, "ACME_SECRET")
	if err := refs.SetAllowBreakGlass(ctx, "acme", true); !errors.Is(err, sso.ErrConfig) {
		t.Fatalf("SetAllowBreakGlass on a tenant that no longer validates = %v, want ErrConfig", err)
	}
	if tn, _ := refs.Tenant(ctx, "acme"); tn.AllowBreakGlass {
		t.Fatal("an invalid tenant was changed")
	}
}
