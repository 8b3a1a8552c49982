package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ssokit/ssokit/sso"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver (pure Go)
)

// Config configures a [Store]. Dialect and Keys are required, and either
// DSN or DB.
type Config struct {
	// Dialect is SQLite or Postgres.
	Dialect Dialect
	// DSN is the data source name Open connects to when DB is nil: a file
	// name (or "file:...?..." URI) for SQLite, a postgres:// URL or
	// key=value string for PostgreSQL.
	DSN string
	// DB is an open handle of the host's database, used instead of DSN.
	// The Store never closes it. For SQLite, give it
	// SetMaxOpenConns(1) (SQLite has one writer; Open does this itself).
	DB *sql.DB
	// Keys seal the connections' secrets. Required.
	Keys *KeyRing
	// Secrets resolves "env:" and "file:" references while validating
	// connections (sso.Validate). The zero value reads the process
	// environment and file system.
	Secrets sso.Secrets
	// Now replaces time.Now; nil means time.Now.
	Now func() time.Time
	// Rand is the source of nonces, token ids and SCIM tokens; nil means
	// crypto/rand.
	Rand io.Reader
}

// Store is the database/sql store of tenants, connections, SCIM tokens,
// SCIM resources and domains. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	owned   bool
	dialect Dialect
	keys    *KeyRing
	secrets sso.Secrets
	now     func() time.Time
	rand    io.Reader
}

// ErrConfig is wrapped by every configuration error of [Open].
var ErrConfig = errors.New("sqlstore: invalid configuration")

// Open validates cfg, connects (when cfg.DB is nil), runs the schema
// migrations ([Store.Migrate]) and returns the store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Store{db: cfg.DB, dialect: cfg.Dialect, keys: cfg.Keys, secrets: cfg.Secrets, now: cfg.Now, rand: cfg.Rand}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.db == nil {
		db, err := openDB(cfg.Dialect, cfg.DSN)
		if err != nil {
			return nil, err
		}
		s.db, s.owned = db, true
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (c Config) validate() error {
	switch {
	case c.Dialect != SQLite && c.Dialect != Postgres:
		return fmt.Errorf("%w: unknown dialect %q", ErrConfig, c.Dialect)
	case c.DB == nil && c.DSN == "":
		return fmt.Errorf("%w: DSN or DB required", ErrConfig)
	case c.Keys == nil:
		return fmt.Errorf("%w: Keys required", ErrConfig)
	}
	return nil
}

// openDB opens a handle for the dialect's driver.
func openDB(d Dialect, dsn string) (*sql.DB, error) {
	if d == SQLite {
		dsn = sqliteDSN(dsn)
	}
	db, err := sql.Open(d.driver(), dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", d, err)
	}
	if d == SQLite {
		// One connection: SQLite has a single writer, and an in-memory
		// database exists per connection.
		db.SetMaxOpenConns(1)
	}
	return db, nil
}

// sqliteDSN adds the settings several processes sharing one file need,
// unless the DSN sets them: write transactions start with BEGIN
// IMMEDIATE (so a read never has to upgrade to a write lock and fail)
// and a writer waits up to 10 s for another one.
func sqliteDSN(dsn string) string {
	var add []string
	if !strings.Contains(dsn, "_txlock=") {
		add = append(add, "_txlock=immediate")
	}
	if !strings.Contains(dsn, "busy_timeout") {
		add = append(add, "_pragma=busy_timeout(10000)")
	}
	if len(add) == 0 {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + strings.Join(add, "&")
}

// DB returns the database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database handle if Open opened it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.db.Close()
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// q rewrites a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string { return s.dialect.rebind(query) }

// nanos stores a time as Unix nanoseconds, the zero time as 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the inverse of nanos, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
