package sso

import (
	"context"
	"errors"
)

// PasswordRequest asks whether a user may log in with a password.
type PasswordRequest struct {
	// Tenant is where the user logs in; User the account as the host
	// knows it (Pending, Privileged).
	Tenant string
	User   User
	// BreakGlass is set when the request came through the host's
	// break-glass path (IT Glue's app.itglue.com fallback).
	BreakGlass bool
}

// CheckPasswordLogin applies the tenant's policy to a password login and
// returns nil when it is allowed, or an *Error with CodeSSORequired:
//
//   - a pending (SCIM-provisioned) user has no password: SSO only;
//   - a user the host marks privileged (admins, managers) may always use
//     the password, so a broken IdP never locks the tenant out;
//   - an enabled required connection blocks passwords, unless the
//     request is a break-glass login and the tenant allows it;
//   - otherwise (optional connections only, or none) passwords work.
func (h *Handler) CheckPasswordLogin(ctx context.Context, req PasswordRequest) error {
	if req.User.Pending {
		return newError(CodeSSORequired, errors.New("sso: pending users can only log in with SSO"))
	}
	if req.User.Privileged || h.cfg.Store == nil {
		return nil
	}
	t, err := h.cfg.Store.Tenant(ctx, req.Tenant)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return newError(CodeUnavailable, err)
	}
	for _, c := range t.Connections {
		if c.Required() {
			if req.BreakGlass && t.AllowBreakGlass {
				return nil
			}
			return newError(CodeSSORequired, errors.New("sso: connection "+c.connectionID()+" is required"))
		}
	}
	return nil
}

// RequiresSSO reports whether the tenant has an enabled required
// connection. A host redirects unauthenticated visitors of such a tenant
// to [Handler.LaunchURL] (Re:infer's and IT Glue's auto-redirect) instead
// of showing its password form.
func (h *Handler) RequiresSSO(ctx context.Context, tenant string) (bool, error) {
	if h.cfg.Store == nil {
		return false, nil
	}
	t, err := h.cfg.Store.Tenant(ctx, tenant)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, newError(CodeUnavailable, err)
	}
	for i := range t.Connections {
		if t.Connections[i].Required() {
			return true, nil
		}
	}
	return false, nil
}
