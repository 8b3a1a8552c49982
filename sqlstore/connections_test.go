package sqlstore_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

// writableStore is the method set the setup pages need; sso.MemoryStore
// and *sqlstore.Store both have it.
type writableStore interface {
	sso.ConnectionStore
	Put(ctx context.Context, slug string, c sso.Connection) (int64, error)
}

const (
	clientSecret = "oidc-client-secret-0123456789"
	sharedSecret = "jwt-shared-secret-0123456789abcdefghij"
)

// privateKey is a real PKCS#8 RSA key (sso validates private_key_jwt keys).
var privateKey = func() string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}()

func oidcConn() sso.Connection {
	return sso.Connection{ID: "okta", Kind: sso.KindOkta, Parameters: sso.Parameters{
		ClientID: "app", ClientSecret: clientSecret, DiscoveryEndpoint: "https://idp.example.com",
		Scopes: []string{"openid", "email"}, ClaimMapping: map[string]string{"email": "upn"}}}
}

func jwtConn() sso.Connection {
	return sso.Connection{ID: "partner", Kind: sso.KindJWT, Parameters: sso.Parameters{
		SharedSecret: sharedSecret, RemoteLoginURL: "https://partner.example.com/login"}}
}

// TestConnectionStoreConformance runs one suite against the reference
// sso.MemoryStore and the SQL store on SQLite and PostgreSQL.
func TestConnectionStoreConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		m, err := sso.NewMemoryStore(sso.Secrets{})
		if err != nil {
			t.Fatal(err)
		}
		connectionSuite(t, m)
	})
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) { connectionSuite(t, s) })
}

func connectionSuite(t *testing.T, s writableStore) {
	ctx := context.Background()
	if _, err := s.Tenant(ctx, "acme"); !errors.Is(err, sso.ErrNotFound) {
		t.Fatalf("unknown tenant: %v, want ErrNotFound", err)
	}
	v, err := s.Put(ctx, "acme", oidcConn())
	if err != nil || v != 1 {
		t.Fatalf("create = %d, %v; want version 1", v, err)
	}
	if _, err := s.Put(ctx, "acme", jwtConn()); err != nil {
		t.Fatalf("create second: %v", err)
	}
	t.Run("create of an existing id is a conflict", func(t *testing.T) {
		if _, err := s.Put(ctx, "acme", oidcConn()); !errors.Is(err, sso.ErrConflict) {
			t.Fatalf("Put = %v, want ErrConflict", err)
		}
	})
	t.Run("read returns every field and the version", func(t *testing.T) {
		c, err := s.Connection(ctx, "acme", "okta")
		if err != nil {
			t.Fatal(err)
		}
		p := c.Parameters
		if c.Version != 1 || p.ClientSecret != clientSecret || p.ClientID != "app" || p.ClaimMapping["email"] != "upn" || len(p.Scopes) != 2 {
			t.Fatalf("read %+v", c)
		}
		if c.Mode != sso.ModeOptional || c.Provisioning != sso.ExistingOnly {
			t.Fatalf("defaults not applied: mode %q provisioning %q", c.Mode, c.Provisioning)
		}
	})
	t.Run("update with the version read applies on the next read", func(t *testing.T) {
		c, _ := s.Connection(ctx, "acme", "okta")
		c.Parameters.ClientSecret = "rotated-secret"
		v, err := s.Put(ctx, "acme", *c)
		if err != nil || v != 2 {
			t.Fatalf("update = %d, %v; want 2", v, err)
		}
		tn, err := s.Tenant(ctx, "acme")
		if err != nil || len(tn.Connections) != 2 || tn.Connections[0].ID != "okta" || tn.Connections[1].ID != "partner" {
			t.Fatalf("tenant = %+v, %v", tn, err)
		}
		if got := tn.Connections[0]; got.Version != 2 || got.Parameters.ClientSecret != "rotated-secret" {
			t.Fatalf("after update: version %d secret %q", got.Version, got.Parameters.ClientSecret)
		}
	})
	t.Run("stale version is a conflict and changes nothing", func(t *testing.T) {
		c := oidcConn()
		c.Version = 1
		c.Parameters.ClientID = "stale"
		if _, err := s.Put(ctx, "acme", c); !errors.Is(err, sso.ErrConflict) {
			t.Fatalf("Put = %v, want ErrConflict", err)
		}
		got, _ := s.Connection(ctx, "acme", "okta")
		if got.Parameters.ClientID != "app" || got.Version != 2 {
			t.Fatalf("stale write applied: %+v", got)
		}
	})
	t.Run("invalid connection is rejected", func(t *testing.T) {
		c := jwtConn()
		c.ID, c.Parameters.SharedSecret = "short", "too-short"
		if _, err := s.Put(ctx, "acme", c); !errors.Is(err, sso.ErrConfig) {
			t.Fatalf("Put = %v, want ErrConfig", err)
		}
		if _, err := s.Connection(ctx, "acme", "short"); !errors.Is(err, sso.ErrNotFound) {
			t.Fatalf("invalid connection stored: %v", err)
		}
	})
	t.Run("invalid tenant slug is rejected", func(t *testing.T) {
		for _, slug := range []string{"", "../acme", "a b"} {
			if _, err := s.Put(ctx, slug, jwtConn()); !errors.Is(err, sso.ErrConfig) {
				t.Fatalf("Put(%q) = %v, want ErrConfig", slug, err)
			}
			if _, err := s.Tenant(ctx, slug); !errors.Is(err, sso.ErrNotFound) {
				t.Fatalf("tenant %q created by a refused write: %v", slug, err)
			}
		}
	})
	t.Run("another tenant sees nothing", func(t *testing.T) {
		if _, err := s.Connection(ctx, "globex", "okta"); !errors.Is(err, sso.ErrNotFound) {
			t.Fatalf("Connection(globex, okta) = %v, want ErrNotFound", err)
		}
		if _, err := s.Put(ctx, "globex", jwtConn()); err != nil {
			t.Fatal(err)
		}
		tn, _ := s.Tenant(ctx, "globex")
		if len(tn.Connections) != 1 || tn.Connections[0].ID != "partner" {
			t.Fatalf("globex = %+v", tn.Connections)
		}
	})
	t.Run("returned values are copies", func(t *testing.T) {
		c, _ := s.Connection(ctx, "acme", "okta")
		c.Parameters.ClaimMapping["email"] = "changed"
		c.Parameters.Scopes[0] = "changed"
		again, _ := s.Connection(ctx, "acme", "okta")
		if again.Parameters.ClaimMapping["email"] != "upn" || again.Parameters.Scopes[0] != "openid" {
			t.Fatalf("store shares memory with callers: %+v", again.Parameters)
		}
	})
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.Put(ctx, "acme", oidcConn()); err != nil {
			t.Fatal(err)
		}
		read, _ := s.Connection(ctx, "acme", "okta")
		const writers = 8
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				c := *read
				c.Name = "writer"
				_, errs[i] = s.Put(ctx, "acme", c)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			var ce *sqlstore.ConflictError
			switch {
			case err == nil:
				wins++
			case errors.As(err, &ce) && errors.Is(err, sso.ErrConflict):
				if ce.Expected != 1 || ce.Actual != 2 || ce.Tenant != "acme" || ce.ID != "okta" {
					t.Errorf("conflict fields %+v", ce)
				}
			default:
				t.Errorf("unexpected error %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d writers won, want exactly 1", wins)
		}
		if c, _ := s.Connection(ctx, "acme", "okta"); c.Version != 2 {
			t.Fatalf("version %d, want 2", c.Version)
		}
	})
}

func TestConcurrentCreatesOneWins(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		errs := make([]error, 6)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = s.Put(ctx, "acme", oidcConn()) })
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if !errors.Is(err, sso.ErrConflict) {
				t.Errorf("unexpected error %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d creators won, want exactly 1", wins)
		}
	})
}

func TestDeleteConnectionAndTenant(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		s.Put(ctx, "acme", oidcConn())
		s.Put(ctx, "globex", oidcConn())
		if err := s.DeleteConnection(ctx, "acme", "okta", 7); !errors.Is(err, sso.ErrConflict) {
			t.Fatalf("stale delete = %v, want ErrConflict", err)
		}
		if err := s.DeleteConnection(ctx, "acme", "okta", 1); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteConnection(ctx, "acme", "okta", 1); !errors.Is(err, sso.ErrNotFound) {
			t.Fatalf("second delete = %v, want ErrNotFound", err)
		}
		if _, err := s.Connection(ctx, "globex", "okta"); err != nil {
			t.Fatalf("other tenant's connection gone: %v", err)
		}
		slugs, err := s.Tenants(ctx)
		if err != nil || len(slugs) != 2 || slugs[0] != "acme" || slugs[1] != "globex" {
			t.Fatalf("Tenants = %v, %v", slugs, err)
		}
		if err := s.DeleteTenant(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Tenant(ctx, "acme"); !errors.Is(err, sso.ErrNotFound) {
			t.Fatalf("deleted tenant: %v", err)
		}
		if err := s.DeleteTenant(ctx, "acme"); !errors.Is(err, sso.ErrNotFound) {
			t.Fatalf("second DeleteTenant = %v", err)
		}
	})
}

func TestTenantSettingsAreValidated(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.SetTenant(ctx, "acme", sqlstore.TenantSettings{AllowBreakGlass: true}); err != nil {
			t.Fatal(err)
		}
		tn, err := s.Tenant(ctx, "acme")
		if err != nil || !tn.AllowBreakGlass || tn.SingleIAM || len(tn.Connections) != 0 {
			t.Fatalf("tenant = %+v, %v", tn, err)
		}
		a, b := oidcConn(), oidcConn()
		b.ID = "okta2"
		s.Put(ctx, "acme", a)
		s.Put(ctx, "acme", b)
		if err := s.SetTenant(ctx, "acme", sqlstore.TenantSettings{SingleIAM: true}); !errors.Is(err, sso.ErrConfig) {
			t.Fatalf("SingleIAM with two IAM connections = %v, want ErrConfig", err)
		}
	})
}

func TestImportConfigFile(t *testing.T) {
	doc := []byte(`{
		"acme": [{"kind": "azure", "emailPattern": ".*@acme\\.example$", "parameters": {"clientId": "a", "clientSecret": "` + clientSecret + `", "tenantId": "tid", "discoveryEndpoint": "https://login.microsoftonline.com/tid/v2.0"}},
		         {"kind": "google", "parameters": {"clientId": "g", "clientSecret": "gsecret"}}],
		"globex": {"connections": [{"kind": "jwt", "parameters": {"sharedSecret": "` + sharedSecret + `"}}], "allowBreakGlass": true}
	}`)
	tenants, err := sso.ParseConfig(doc, sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.Import(ctx, tenants...); err != nil {
			t.Fatal(err)
		}
		acme, err := s.Tenant(ctx, "acme")
		if err != nil || len(acme.Connections) != 2 || acme.Connections[0].ID != "azure" || acme.Connections[1].ID != "google" {
			t.Fatalf("acme = %+v, %v", acme, err)
		}
		if c := acme.Connections[0]; c.Version != 1 || c.Parameters.ClientSecret != clientSecret || c.EmailPattern != `.*@acme\.example$` {
			t.Fatalf("azure = %+v", c)
		}
		if g, _ := s.Tenant(ctx, "globex"); !g.AllowBreakGlass || g.Connections[0].Parameters.SharedSecret != sharedSecret {
			t.Fatalf("globex = %+v", g)
		}
		// Importing again conflicts and changes nothing.
		if err := s.Import(ctx, tenants...); !errors.Is(err, sso.ErrConflict) {
			t.Fatalf("second Import = %v, want ErrConflict", err)
		}
		if c, _ := s.Connection(ctx, "acme", "azure"); c.Version != 1 {
			t.Fatalf("second Import changed the version to %d", c.Version)
		}
	})
}
