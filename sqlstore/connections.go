package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/ssokit/ssokit/sso"
)

// ConflictError reports a stale write of a connection: the version the
// caller read is not the stored one (another admin saved first).
type ConflictError struct {
	Tenant, ID string
	// Expected is the version the caller read (0 to create); Actual is
	// the stored one (0 when the connection does not exist).
	Expected, Actual int64
}

// Error tells the admin to reload; it names the connection and versions.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("sqlstore: connection %q of tenant %q is at version %d, not %d; reload and retry",
		e.ID, e.Tenant, e.Actual, e.Expected)
}

// Unwrap returns sso.ErrConflict.
func (e *ConflictError) Unwrap() error { return sso.ErrConflict }

func notFound(what string) error { return fmt.Errorf("sqlstore: %s: %w", what, sso.ErrNotFound) }

// Tenant implements sso.ConnectionStore: the tenant's settings and
// connections in the order they were created, secrets decrypted.
func (s *Store) Tenant(ctx context.Context, slug string) (*sso.Tenant, error) {
	return s.loadTenant(ctx, s.db, slug, false)
}

// Connection implements sso.ConnectionStore.
func (s *Store) Connection(ctx context.Context, slug, id string) (*sso.Connection, error) {
	row := s.db.QueryRowContext(ctx, s.q("SELECT body, secrets, version FROM ssokit_connections WHERE tenant = ? AND id = ?"), slug, id)
	var body, sealed string
	var version int64
	if err := row.Scan(&body, &sealed, &version); errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("connection %q of tenant %q", id, slug))
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: read connection: %w", err)
	}
	c, err := s.decodeConnection(slug, body, sealed)
	if err != nil {
		return nil, err
	}
	c.Version = version
	return c, nil
}

// Tenants lists the slugs of every tenant, sorted.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT slug FROM ssokit_tenants")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list tenants: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, fmt.Errorf("sqlstore: list tenants: %w", err)
		}
		out = append(out, slug)
	}
	slices.Sort(out) // byte order, whatever the collation
	return out, rows.Err()
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// loadTenant reads a tenant and its connections; lock takes the tenant
// row's lock (PostgreSQL) so writes to one tenant serialise.
func (s *Store) loadTenant(ctx context.Context, q querier, slug string, lock bool) (*sso.Tenant, error) {
	query := "SELECT single_iam, allow_break_glass FROM ssokit_tenants WHERE slug = ?"
	if lock {
		query += s.dialect.forUpdate()
	}
	t := &sso.Tenant{Slug: slug}
	err := q.QueryRowContext(ctx, s.q(query), slug).Scan(&t.SingleIAM, &t.AllowBreakGlass)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("tenant %q", slug))
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: read tenant: %w", err)
	}
	rows, err := q.QueryContext(ctx, s.q("SELECT body, secrets, version FROM ssokit_connections WHERE tenant = ? ORDER BY position"), slug)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read connections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body, sealed string
		var version int64
		if err := rows.Scan(&body, &sealed, &version); err != nil {
			return nil, fmt.Errorf("sqlstore: read connections: %w", err)
		}
		c, err := s.decodeConnection(slug, body, sealed)
		if err != nil {
			return nil, err
		}
		c.Version = version
		t.Connections = append(t.Connections, *c)
	}
	return t, rows.Err()
}

// ensureTenant creates the tenant row if it is missing.
func (s *Store) ensureTenant(ctx context.Context, q querier, slug string) error {
	_, err := q.ExecContext(ctx, s.q(`INSERT INTO ssokit_tenants (slug, single_iam, allow_break_glass, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING`), slug, false, false, s.now().UnixNano())
	if err != nil {
		return fmt.Errorf("sqlstore: create tenant: %w", err)
	}
	return nil
}

// Put creates or replaces a connection of an existing or new tenant, like
// sso.MemoryStore.Put: c.Version must be the version read (0 to create);
// on success the stored version is one more and is returned. A stale
// version gives a *ConflictError (wrapping sso.ErrConflict). The tenant,
// with the change, is validated first (an error wrapping sso.ErrConfig).
// Secret parameters are sealed under the key ring's current key.
func (s *Store) Put(ctx context.Context, slug string, c sso.Connection) (int64, error) {
	normalize(&c)
	err := s.tx(ctx, func(tx *sql.Tx) error { return s.put(ctx, tx, slug, c) })
	if err != nil {
		return 0, err
	}
	return c.Version + 1, nil
}

// put is Put inside a transaction; c is normalised.
func (s *Store) put(ctx context.Context, tx *sql.Tx, slug string, c sso.Connection) error {
	if err := s.ensureTenant(ctx, tx, slug); err != nil {
		return err
	}
	t, err := s.loadTenant(ctx, tx, slug, true)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Connections, func(x sso.Connection) bool { return x.ID == c.ID })
	var old sso.Connection
	if i >= 0 {
		old = t.Connections[i]
	}
	if c.Version != old.Version {
		return &ConflictError{Tenant: slug, ID: c.ID, Expected: c.Version, Actual: old.Version}
	}
	if i >= 0 {
		t.Connections[i] = c
	} else {
		t.Connections = append(t.Connections, c)
	}
	if err := sso.Validate([]sso.Tenant{*t}, s.secrets); err != nil {
		return err
	}
	if err := s.writeConnection(ctx, tx, slug, c, i < 0); err != nil {
		return err
	}
	action := ActionConnectionUpdate
	if i < 0 {
		action = ActionConnectionCreate
	}
	return s.audit(ctx, tx, slug, action, c.ID, changedFields(old, c))
}

// Import creates tenants with their settings and connections (from a
// configuration file, sso.ParseConfig) in one transaction: all or
// nothing. A connection that exists already gives a *ConflictError.
func (s *Store) Import(ctx context.Context, tenants ...sso.Tenant) error {
	if err := sso.Validate(tenants, s.secrets); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range tenants {
			if err := s.ensureTenant(ctx, tx, t.Slug); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q("UPDATE ssokit_tenants SET single_iam = ?, allow_break_glass = ? WHERE slug = ?"),
				t.SingleIAM, t.AllowBreakGlass, t.Slug)
			if err != nil {
				return wrapWrite(err)
			}
			for _, c := range t.Connections {
				normalize(&c)
				c.Version = 0
				if err := s.put(ctx, tx, t.Slug, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeConnection inserts or compare-and-swaps one connection row at
// c.Version+1.
func (s *Store) writeConnection(ctx context.Context, tx *sql.Tx, slug string, c sso.Connection, create bool) error {
	body, sealed, err := s.encodeConnection(slug, c)
	if err != nil {
		return err
	}
	now := s.now().UnixNano()
	conflict := &ConflictError{Tenant: slug, ID: c.ID, Expected: c.Version}
	if create {
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO ssokit_connections
			(tenant, id, position, version, body, secrets, key_id, updated_at)
			VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM ssokit_connections WHERE tenant = ?), 1, ?, ?, ?, ?)`),
			slug, c.ID, slug, body, sealed, s.keys.CurrentID(), now)
		if isUniqueViolation(err) {
			conflict.Actual = 1 // created concurrently
			return conflict
		}
		return wrapWrite(err)
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE ssokit_connections SET version = version + 1, body = ?, secrets = ?, key_id = ?, updated_at = ?
		WHERE tenant = ? AND id = ? AND version = ?`), body, sealed, s.keys.CurrentID(), now, slug, c.ID, c.Version)
	return checkCAS(res, err, conflict)
}

// checkCAS turns an UPDATE that matched no row into the conflict error.
func checkCAS(res sql.Result, err error, conflict error) error {
	if err != nil {
		return wrapWrite(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapWrite(err)
	}
	if n != 1 {
		return conflict
	}
	return nil
}

func wrapWrite(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlstore: write: %w", err)
}

// DeleteConnection removes a connection if its stored version is the one
// the caller read; else a *ConflictError, or sso.ErrNotFound when it is
// gone.
func (s *Store) DeleteConnection(ctx context.Context, slug, id string, version int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var current int64
		err := tx.QueryRowContext(ctx, s.q("SELECT version FROM ssokit_connections WHERE tenant = ? AND id = ?"+s.dialect.forUpdate()), slug, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(fmt.Sprintf("connection %q of tenant %q", id, slug))
		} else if err != nil {
			return fmt.Errorf("sqlstore: read connection: %w", err)
		}
		conflict := &ConflictError{Tenant: slug, ID: id, Expected: version, Actual: current}
		if current != version {
			return conflict
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM ssokit_connections WHERE tenant = ? AND id = ? AND version = ?"), slug, id, version)
		if err := checkCAS(res, err, conflict); err != nil {
			return err
		}
		return s.audit(ctx, tx, slug, ActionConnectionDelete, id, nil)
	})
}

// DeleteTenant removes a tenant with its connections and SCIM tokens.
// SCIM resources, domains and the audit log stay until the host removes
// them.
func (s *Store) DeleteTenant(ctx context.Context, slug string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			"DELETE FROM ssokit_scim_tokens WHERE tenant = ?",
			"DELETE FROM ssokit_connections WHERE tenant = ?",
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), slug); err != nil {
				return wrapWrite(err)
			}
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM ssokit_tenants WHERE slug = ?"), slug)
		if err := checkCAS(res, err, notFound(fmt.Sprintf("tenant %q", slug))); err != nil {
			return err
		}
		return s.audit(ctx, tx, slug, ActionTenantDelete, "", nil)
	})
}

// normalize applies the defaults sso.MemoryStore applies before storing.
func normalize(c *sso.Connection) {
	if c.ID == "" {
		c.ID = string(c.Kind)
	}
	if c.Mode == "" {
		c.Mode = sso.ModeOptional
	}
	if c.Provisioning == "" {
		c.Provisioning = sso.ExistingOnly
	}
	if c.Kind == sso.KindGoogle && c.Parameters.DiscoveryEndpoint == "" {
		c.Parameters.DiscoveryEndpoint = "https://accounts.google.com"
	}
}
