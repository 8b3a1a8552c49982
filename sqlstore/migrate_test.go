package sqlstore_test

import (
	"context"
	"errors"
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
