package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

func TestMigrationsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		keys := newRing(t, newKey(t, "k1"))
		s := b.open(t, keys)
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		again := b.open(t, keys) // a second instance migrates again
		steps, err := sqlstore.Migrations(b.dialect)
		if err != nil || len(steps) == 0 {
			t.Fatalf("Migrations: %v, %d steps", err, len(steps))
		}
		v, err := again.SchemaVersion(ctx)
		if err != nil || v != steps[len(steps)-1].Version {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, steps[len(steps)-1].Version)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM ssokit_schema_migrations").Scan(&n); err != nil || n != len(steps) {
			t.Fatalf("migration rows = %d, %v; want %d", n, err, len(steps))
		}
	})
}

func TestOpenValidatesConfig(t *testing.T) {
	keys := newRing(t, newKey(t, "k1"))
	cases := []struct {
		name string
		cfg  sqlstore.Config
	}{
		{"unknown dialect is rejected", sqlstore.Config{Dialect: "mysql", DSN: "x", Keys: keys}},
		{"missing DSN and DB is rejected", sqlstore.Config{Dialect: sqlstore.SQLite, Keys: keys}},
		{"missing keys are rejected", sqlstore.Config{Dialect: sqlstore.SQLite, DSN: "x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := sqlstore.Open(context.Background(), c.cfg); !errors.Is(err, sqlstore.ErrConfig) {
				t.Fatalf("Open = %v, want ErrConfig", err)
			}
		})
	}
}

func TestMigrateFromSeveralInstancesAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		keys := newRing(t, newKey(t, "k1"))
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				s, err := sqlstore.Open(context.Background(), sqlstore.Config{Dialect: b.dialect, DSN: b.dsn, Keys: keys})
				if err == nil {
					s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent Open: %v", err)
			}
		}
	})
}

func TestMigrateAppliesOnlyMissingSteps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t, newRing(t, newKey(t, "k1")))
		if _, err := s.Put(ctx, "acme", oidcConn()); err != nil {
			t.Fatal(err)
		}
		// Roll the database back to schema version 1.
		for _, q := range []string{"DROP TABLE ssokit_sync_tokens", "DROP TABLE ssokit_audit", "DROP TABLE ssokit_scim_requests", "DELETE FROM ssokit_schema_migrations WHERE version > 1"} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := s.SchemaVersion(ctx); v != 1 {
			t.Fatalf("schema version %d, want 1", v)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		steps, _ := sqlstore.Migrations(b.dialect)
		if v, _ := s.SchemaVersion(ctx); v != steps[len(steps)-1].Version || v < 3 {
			t.Fatalf("schema version %d after Migrate, want %d", v, steps[len(steps)-1].Version)
		}
		if err := s.SyncTokens().Put(ctx, rec("u", t0, "x")); err != nil {
			t.Fatalf("table of step 2 missing: %v", err)
		}
		if _, err := s.AuditLog(ctx, "acme", 10); err != nil {
			t.Fatalf("table of step 3 missing: %v", err)
		}
		if c, err := s.Connection(ctx, "acme", "okta"); err != nil || c.Version != 1 {
			t.Fatalf("data of step 1 lost: %v", err)
		}
	})
}

func TestCloseLeavesTheHostsDB(t *testing.T) {
	b := newSQLite(t)
	db, err := sql.Open("sqlite", b.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	s, err := sqlstore.Open(context.Background(), sqlstore.Config{Dialect: sqlstore.SQLite, DB: db, Keys: newRing(t, newKey(t, "k1"))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		t.Fatalf("Close closed the host's handle: %v", err)
	}
}
