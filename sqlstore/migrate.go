package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema step.
type Migration struct {
	// Version orders the steps; it is the number the file name starts with.
	Version int
	// Name is the file name, e.g. "0001_init.sql".
	Name string
	sql  string
}

// Migrations returns the dialect's embedded schema steps in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations of %q: %w", d, err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: bad migration file name %q", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), sql: string(body)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS ssokit_schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at BIGINT  NOT NULL
)`

// Migrate applies the schema steps not yet recorded in the table
// ssokit_schema_migrations, each in its own transaction together with its
// record, so running it again (or from several instances at once) is
// harmless. On PostgreSQL an advisory lock serialises concurrent runs.
func (s *Store) Migrate(ctx context.Context) error {
	steps, err := Migrations(s.dialect)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, createMigrationsTable)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: migrations table: %w", err)
	}
	for _, m := range steps {
		if err := s.tx(ctx, func(tx *sql.Tx) error { return s.apply(ctx, tx, m) }); err != nil {
			return err
		}
	}
	return nil
}

// migrationLock is the PostgreSQL advisory lock key of Migrate.
const migrationLock = 0x550_c17_5e1

// lockMigrations takes PostgreSQL's transaction-scoped advisory lock of
// Migrate (SQLite's BEGIN IMMEDIATE already excludes other writers).
func (s *Store) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("sqlstore: migration lock: %w", err)
	}
	return nil
}

// apply runs one step unless it is recorded already.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, m Migration) error {
	if err := s.lockMigrations(ctx, tx); err != nil {
		return err
	}
	var n int
	err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM ssokit_schema_migrations WHERE version = ?"), m.Version).Scan(&n)
	if err != nil {
		return fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("sqlstore: migration %s: %w", m.Name, err)
	}
	_, err = tx.ExecContext(ctx, s.q("INSERT INTO ssokit_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.Version, m.Name, s.now().UnixNano())
	if err != nil {
		return fmt.Errorf("sqlstore: record migration %s: %w", m.Name, err)
	}
	return nil
}

// SchemaVersion returns the highest applied migration version (0 for
// none).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT MAX(version) FROM ssokit_schema_migrations").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: schema version: %w", err)
	}
	return int(v.Int64), nil
}
