package sso

import (
	"context"
	"errors"

	"github.com/ssokit/ssokit/scim"
)

// ProvisionedUsers finds a user that was provisioned (through SCIM) but
// has never logged in, so it is not in the [UserStore] yet. The first SSO
// login with that email creates the host user from it, whatever the
// connection's provisioning mode: SCIM already decided the user exists.
type ProvisionedUsers interface {
	// FindProvisioned returns the provisioned user (Pending set, ID the
	// provisioning id), or (nil, nil).
	FindProvisioned(ctx context.Context, tenant, email string) (*User, error)
}

// SCIMUsers is the [ProvisionedUsers] of a scim.Store: it matches the
// login's email against userName, then emails ([scim.FindUser]).
type SCIMUsers struct {
	Store scim.Store
}

// FindProvisioned implements [ProvisionedUsers]. A deactivated SCIM user
// is returned Disabled, so the login is refused; several users sharing the
// email are an error.
func (s SCIMUsers) FindProvisioned(ctx context.Context, tenant, email string) (*User, error) {
	r, err := scim.FindUser(ctx, s.Store, tenant, email)
	if errors.Is(err, scim.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &User{ID: r.ID, Tenant: tenant, Email: email, Name: r.DisplayName(), Pending: true, Disabled: !r.Active()}, nil
}

// fromProvisioned creates the host user of a provisioned user on its
// first login.
func (h *Handler) fromProvisioned(ctx context.Context, tenant string, prof Profile, res *Result) (*User, error) {
	if h.cfg.Provisioned == nil {
		return nil, nil
	}
	p, err := h.cfg.Provisioned.FindProvisioned(ctx, tenant, prof.Email)
	if errors.Is(err, scim.ErrAmbiguous) {
		return nil, newError(CodeNotAllowed, err)
	}
	if err != nil {
		return nil, newError(CodeSession, err)
	}
	if p == nil {
		return nil, nil
	}
	if err := checkUser(p, tenant); err != nil {
		return nil, err
	}
	if prof.Name == "" {
		prof.Name = p.Name
	}
	u, err := h.createUser(ctx, tenant, prof, res, nil)
	if err != nil {
		return nil, err
	}
	res.ProvisionedID = p.ID
	return u, nil
}
