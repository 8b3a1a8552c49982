package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/ssokit/ssokit/scim"
)

// SCIMToken describes a stored SCIM bearer token. The token itself is
// shown once, when created; only its SHA-256 digest is stored.
type SCIMToken struct {
	// ID names the token for revocation (not secret).
	ID      string
	Tenant  string
	Label   string
	Created time.Time
}

// maxTokenLen bounds a presented bearer token before it is hashed.
const maxTokenLen = 1024

// CreateSCIMToken mints a token for a tenant (scim.NewToken) and stores
// its hash. The returned token is the only copy: show it to the admin
// once. A tenant may hold several tokens (rotation without downtime).
func (s *Store) CreateSCIMToken(ctx context.Context, tenant, label string) (string, SCIMToken, error) {
	var token string
	var info SCIMToken
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if token, info, err = s.insertToken(ctx, tx, tenant, label); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenant, ActionSCIMTokenCreate, info.ID, nil)
	})
	return token, info, err
}

// RotateSCIMToken mints a new token for a tenant and revokes every other
// token of the tenant in the same transaction.
func (s *Store) RotateSCIMToken(ctx context.Context, tenant, label string) (string, SCIMToken, error) {
	var token string
	var info SCIMToken
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM ssokit_scim_tokens WHERE tenant = ?"), tenant); err != nil {
			return wrapWrite(err)
		}
		var err error
		if token, info, err = s.insertToken(ctx, tx, tenant, label); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenant, ActionSCIMTokenRotate, info.ID, nil)
	})
	return token, info, err
}

func (s *Store) insertToken(ctx context.Context, tx *sql.Tx, tenant, label string) (string, SCIMToken, error) {
	if tenant == "" {
		return "", SCIMToken{}, fmt.Errorf("%w: empty tenant", ErrConfig)
	}
	token, err := scim.NewToken(s.rand)
	if err != nil {
		return "", SCIMToken{}, err
	}
	id, err := scim.NewToken(s.rand)
	if err != nil {
		return "", SCIMToken{}, err
	}
	info := SCIMToken{ID: id[:16], Tenant: tenant, Label: label, Created: s.now().UTC()}
	h := scim.HashToken(token)
	_, err = tx.ExecContext(ctx, s.q("INSERT INTO ssokit_scim_tokens (id, tenant, hash, label, created_at) VALUES (?, ?, ?, ?, ?)"),
		info.ID, tenant, hex.EncodeToString(h[:]), label, nanos(info.Created))
	if err != nil {
		return "", SCIMToken{}, wrapWrite(err)
	}
	return token, info, nil
}

// SCIMTokens lists a tenant's tokens (never the token values), oldest
// first.
func (s *Store) SCIMTokens(ctx context.Context, tenant string) ([]SCIMToken, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT id, label, created_at FROM ssokit_scim_tokens WHERE tenant = ? ORDER BY created_at, id"), tenant)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list tokens: %w", err)
	}
	defer rows.Close()
	var out []SCIMToken
	for rows.Next() {
		t := SCIMToken{Tenant: tenant}
		var created int64
		if err := rows.Scan(&t.ID, &t.Label, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: list tokens: %w", err)
		}
		t.Created = fromNanos(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeSCIMToken deletes one token of a tenant; an id of another
// tenant is not found.
func (s *Store) RevokeSCIMToken(ctx context.Context, tenant, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM ssokit_scim_tokens WHERE tenant = ? AND id = ?"), tenant, id)
		if err := checkCAS(res, err, fmt.Errorf("sqlstore: SCIM token %q of tenant %q: %w", id, tenant, scim.ErrNotFound)); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenant, ActionSCIMTokenRevoke, id, nil)
	})
}

// Authenticate implements scim.Authenticator: it looks the token's
// SHA-256 digest up by index (timing on a digest of a 256-bit random
// token tells an attacker nothing) and returns its tenant, or an error
// wrapping scim.ErrUnauthorized.
func (s *Store) Authenticate(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > maxTokenLen {
		return "", scim.ErrUnauthorized
	}
	h := scim.HashToken(token)
	var tenant string
	err := s.db.QueryRowContext(ctx, s.q("SELECT tenant FROM ssokit_scim_tokens WHERE hash = ?"), hex.EncodeToString(h[:])).Scan(&tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return "", scim.ErrUnauthorized
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: authenticate: %w", err)
	}
	noteTenant(ctx, tenant)
	return tenant, nil
}

var _ scim.Authenticator = (*Store)(nil)
