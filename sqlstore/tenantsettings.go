package sqlstore

import (
	"context"
	"database/sql"

	"github.com/ssokit/ssokit/sso"
)

// TenantSettings are a tenant's own switches (see sso.Tenant).
type TenantSettings struct {
	SingleIAM       bool
	AllowBreakGlass bool
}

// SetTenant creates a tenant or changes its settings. The tenant with
// the new settings is validated (sso.Validate) first.
func (s *Store) SetTenant(ctx context.Context, slug string, ts TenantSettings) error {
	return s.updateTenant(ctx, slug, func(*TenantSettings) TenantSettings { return ts })
}

// SetAllowBreakGlass switches whether the tenant's users may log in with
// their password through the host's break-glass path while SSO is
// required (sso.Tenant.AllowBreakGlass), creating the tenant if needed.
// SingleIAM stays as stored: the setting is read and written in one
// transaction, under the tenant row's lock on PostgreSQL, and audited as
// tenant.update like SetTenant. It implements setup.BreakGlassSetter.
func (s *Store) SetAllowBreakGlass(ctx context.Context, slug string, allow bool) error {
	return s.updateTenant(ctx, slug, func(cur *TenantSettings) TenantSettings {
		next := *cur
		next.AllowBreakGlass = allow
		return next
	})
}

// updateTenant reads the tenant's settings, computes the new ones with
// change, validates the tenant with them and writes them, all in one
// transaction, and audits which settings changed.
func (s *Store) updateTenant(ctx context.Context, slug string, change func(cur *TenantSettings) TenantSettings) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.ensureTenant(ctx, tx, slug); err != nil {
			return err
		}
		t, err := s.loadTenant(ctx, tx, slug, true)
		if err != nil {
			return err
		}
		ts := change(&TenantSettings{SingleIAM: t.SingleIAM, AllowBreakGlass: t.AllowBreakGlass})
		var changed []string
		if t.SingleIAM != ts.SingleIAM {
			changed = append(changed, "singleIAM")
		}
		if t.AllowBreakGlass != ts.AllowBreakGlass {
			changed = append(changed, "allowBreakGlass")
		}
		t.SingleIAM, t.AllowBreakGlass = ts.SingleIAM, ts.AllowBreakGlass
		if err := sso.Validate([]sso.Tenant{*t}, s.secrets); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("UPDATE ssokit_tenants SET single_iam = ?, allow_break_glass = ? WHERE slug = ?"),
			ts.SingleIAM, ts.AllowBreakGlass, slug)
		if err != nil {
			return wrapWrite(err)
		}
		return s.audit(ctx, tx, slug, ActionTenantUpdate, "", changed)
	})
}
