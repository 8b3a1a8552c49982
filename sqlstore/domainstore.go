package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ssokit/ssokit/domains"
)

// DomainStore is the domains.DomainStore of a [Store]. A partial unique
// index on the name of verified rows enforces, in the database, that at
// most one tenant holds a name verified, even across instances.
type DomainStore struct{ s *Store }

// Domains returns the store's domains.DomainStore.
func (s *Store) Domains() *DomainStore { return &DomainStore{s: s} }

var _ domains.DomainStore = (*DomainStore)(nil)

const domainColumns = `tenant, name, state, token, strategy, operator, reason, include_subdomains,
	created_at, pending_since, verified_at, last_checked_at, last_result, misses, first_miss_at, version`

func scanDomain(row scanner) (domains.Domain, error) {
	var d domains.Domain
	var created, pending, verified, checked, firstMiss int64
	err := row.Scan(&d.Tenant, &d.Name, &d.State, &d.Token, &d.Strategy, &d.Operator, &d.Reason, &d.IncludeSubdomains,
		&created, &pending, &verified, &checked, &d.LastResult, &d.Misses, &firstMiss, &d.Version)
	if err != nil {
		return d, err
	}
	d.CreatedAt, d.PendingSince, d.VerifiedAt = fromNanos(created), fromNanos(pending), fromNanos(verified)
	d.LastCheckedAt, d.FirstMissAt = fromNanos(checked), fromNanos(firstMiss)
	return d, nil
}

// values lists d's columns in domainColumns order.
func domainValues(d domains.Domain) []any {
	return []any{d.Tenant, d.Name, string(d.State), d.Token, string(d.Strategy), d.Operator, d.Reason, d.IncludeSubdomains,
		nanos(d.CreatedAt), nanos(d.PendingSince), nanos(d.VerifiedAt), nanos(d.LastCheckedAt), d.LastResult, d.Misses,
		nanos(d.FirstMissAt), d.Version}
}

// Create implements domains.DomainStore.
func (ds *DomainStore) Create(ctx context.Context, d domains.Domain) (domains.Domain, error) {
	s := ds.s
	d.Version = 1
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM ssokit_domains WHERE tenant = ? AND name = ?"), d.Tenant, d.Name).Scan(&n)
		if err != nil {
			return fmt.Errorf("sqlstore: read domain: %w", err)
		}
		if n > 0 {
			return domains.ErrExists
		}
		if err := ds.checkConflict(ctx, tx, d); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("INSERT INTO ssokit_domains ("+domainColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
			domainValues(d)...)
		return ds.writeError(d, err, domains.ErrExists)
	})
	if err != nil {
		return domains.Domain{}, ds.conflict(ctx, d, err)
	}
	return d, nil
}

// checkConflict refuses a verified d while another tenant holds its name
// verified. The unique index is the last word under concurrency.
func (ds *DomainStore) checkConflict(ctx context.Context, q querier, d domains.Domain) error {
	if d.State != domains.Verified {
		return nil
	}
	var holder string
	err := q.QueryRowContext(ctx, ds.s.q("SELECT tenant FROM ssokit_domains WHERE name = ? AND state = ? AND tenant <> ?"),
		d.Name, string(domains.Verified), d.Tenant).Scan(&holder)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sqlstore: read domain: %w", err)
	}
	return &domains.ConflictError{Name: d.Name, Tenant: d.Tenant, Holder: holder}
}

// errVerifiedTaken marks a write refused by the verified-name index: a
// concurrent transaction committed another tenant's verified row.
var errVerifiedTaken = errors.New("sqlstore: name verified concurrently")

// writeError maps a write's unique violation: the verified-name index
// gives errVerifiedTaken (resolved by conflict after the transaction),
// the primary key dup.
func (ds *DomainStore) writeError(d domains.Domain, err, dup error) error {
	if !isUniqueViolation(err) {
		return wrapWrite(err)
	}
	if d.State == domains.Verified {
		return errVerifiedTaken
	}
	return dup
}

// conflict turns errVerifiedTaken into a *ConflictError naming the
// holder, read outside the failed transaction.
func (ds *DomainStore) conflict(ctx context.Context, d domains.Domain, err error) error {
	if !errors.Is(err, errVerifiedTaken) {
		return err
	}
	if cerr := ds.checkConflict(ctx, ds.s.db, d); cerr != nil {
		return cerr
	}
	return &domains.ConflictError{Name: d.Name, Tenant: d.Tenant}
}

// Get implements domains.DomainStore.
func (ds *DomainStore) Get(ctx context.Context, tenant, name string) (domains.Domain, error) {
	row := ds.s.db.QueryRowContext(ctx, ds.s.q("SELECT "+domainColumns+" FROM ssokit_domains WHERE tenant = ? AND name = ?"), tenant, name)
	d, err := scanDomain(row)
	if errors.Is(err, sql.ErrNoRows) {
		return domains.Domain{}, &domains.NotFoundError{Tenant: tenant, Name: name}
	} else if err != nil {
		return domains.Domain{}, fmt.Errorf("sqlstore: read domain: %w", err)
	}
	return d, nil
}

// Update implements domains.DomainStore: compare-and-swap on Version.
func (ds *DomainStore) Update(ctx context.Context, d domains.Domain) (domains.Domain, error) {
	s := ds.s
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var current int64
		err := tx.QueryRowContext(ctx, s.q("SELECT version FROM ssokit_domains WHERE tenant = ? AND name = ?"+s.dialect.forUpdate()), d.Tenant, d.Name).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return &domains.NotFoundError{Tenant: d.Tenant, Name: d.Name}
		} else if err != nil {
			return fmt.Errorf("sqlstore: read domain: %w", err)
		}
		if current != d.Version {
			return domains.ErrStale
		}
		if err := ds.checkConflict(ctx, tx, d); err != nil {
			return err
		}
		next := d
		next.Version++
		vals := domainValues(next)
		res, err := tx.ExecContext(ctx, s.q(`UPDATE ssokit_domains SET state = ?, token = ?, strategy = ?, operator = ?, reason = ?,
			include_subdomains = ?, created_at = ?, pending_since = ?, verified_at = ?, last_checked_at = ?, last_result = ?,
			misses = ?, first_miss_at = ?, version = ? WHERE tenant = ? AND name = ? AND version = ?`),
			append(vals[2:], d.Tenant, d.Name, d.Version)...)
		if err != nil {
			return ds.writeError(d, err, domains.ErrStale)
		}
		return checkCAS(res, nil, domains.ErrStale)
	})
	if err != nil {
		return domains.Domain{}, ds.conflict(ctx, d, err)
	}
	d.Version++
	return d, nil
}

// List implements domains.DomainStore.
func (ds *DomainStore) List(ctx context.Context, tenant string) ([]domains.Domain, error) {
	return ds.list(ctx, "tenant = ?", tenant)
}

// ListByName implements domains.DomainStore.
func (ds *DomainStore) ListByName(ctx context.Context, name string) ([]domains.Domain, error) {
	return ds.list(ctx, "name = ?", name)
}

// ListByState implements domains.DomainStore.
func (ds *DomainStore) ListByState(ctx context.Context, st domains.State) ([]domains.Domain, error) {
	return ds.list(ctx, "state = ?", string(st))
}

func (ds *DomainStore) list(ctx context.Context, where string, arg any) ([]domains.Domain, error) {
	rows, err := ds.s.db.QueryContext(ctx, ds.s.q("SELECT "+domainColumns+" FROM ssokit_domains WHERE "+where), arg)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list domains: %w", err)
	}
	defer rows.Close()
	var out []domains.Domain
	for rows.Next() {
		d, err := scanDomain(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list domains: %w", err)
		}
		out = append(out, d)
	}
	// Sorted here, not by ORDER BY: byte order, whatever the collation.
	slices.SortFunc(out, func(a, b domains.Domain) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Tenant, b.Tenant))
	})
	return out, rows.Err()
}
