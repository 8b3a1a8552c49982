package sso

import (
	"context"
	"errors"
	"fmt"
)

// resolveUser finds, links, creates or updates the user of a login:
// by (issuer, subject) first; then, for a first login whose email is
// trusted (see [Handler.trustEmail]: not denied by the provider, domain
// verified for the tenant), by email within the tenant, then a
// SCIM-provisioned user, then created when the connection provisions just
// in time. An untrusted email fails the first login with
// domain_not_verified, unless the connection allows unverified domains:
// then only a new account is created, marked unverified, and matched by
// (issuer, subject) from then on. A linked login never changes the email
// to an untrusted one.
func (h *Handler) resolveUser(ctx context.Context, cc *compiled, res *Result) error {
	id := &res.Identity
	prof := Profile{Email: res.Decision.Email, Name: res.Decision.Name, Timezone: res.Decision.Timezone}
	untrusted := h.trustEmail(ctx, cc, id, prof.Email)
	res.EmailTrusted, prof.EmailUnverified = untrusted == nil, untrusted != nil
	u, err := h.cfg.Users.FindBySubject(ctx, cc.tenant, id.Issuer, id.Subject)
	if err != nil {
		return newError(CodeSession, err)
	}
	if u == nil {
		if untrusted != nil && (!cc.conn.AllowUnverifiedDomains || untrusted.Reason == reasonTrustFailed) {
			return domainError(untrusted)
		}
		if u, err = h.firstLogin(ctx, cc, prof, res, untrusted); err != nil {
			return err
		}
	} else if err := checkUser(u, cc.tenant); err != nil {
		return err
	}
	if untrusted != nil {
		// Keyed on (issuer, subject): an untrusted email never replaces
		// the account's email.
		prof.Email, prof.EmailUnverified = u.Email, u.EmailUnverified
	}
	if cc.conn.Provisioning == JITAndUpdate && !res.Created && (u.Email != prof.Email || u.Name != prof.Name) {
		if err := h.cfg.Users.UpdateProfile(ctx, cc.tenant, u.ID, prof); err != nil {
			return newError(CodeSession, err)
		}
		u.Email, u.Name, u.EmailUnverified = prof.Email, prof.Name, prof.EmailUnverified
	}
	res.User = *u
	return nil
}

// firstLogin finds (by trusted email) or creates the user of an identity
// that is not linked yet, and links it. With an untrusted email (the
// connection allows unverified domains) it only creates a new user.
func (h *Handler) firstLogin(ctx context.Context, cc *compiled, prof Profile, res *Result, untrusted *UntrustedEmailError) (*User, error) {
	users, id, tenant := h.cfg.Users, &res.Identity, cc.tenant
	var u *User
	var err error
	if untrusted == nil {
		if u, err = users.FindByEmail(ctx, tenant, prof.Email); err != nil {
			return nil, newError(CodeSession, err)
		}
		if u == nil {
			if u, err = h.fromProvisioned(ctx, tenant, prof, res); err != nil {
				return nil, err
			}
		}
	}
	if u == nil && cc.conn.Provisioning == ExistingOnly {
		if untrusted != nil {
			return nil, domainError(untrusted)
		}
		return nil, newError(CodeNotAllowed, fmt.Errorf("sso: no user with this email in tenant %q", tenant))
	}
	if u == nil {
		if u, err = h.createUser(ctx, tenant, prof, res, untrusted); err != nil {
			return nil, err
		}
	}
	if err := checkUser(u, tenant); err != nil {
		return nil, err
	}
	if err := users.LinkUser(ctx, tenant, u.ID, Link{Issuer: id.Issuer, Subject: id.Subject, Activate: u.Pending}); err != nil {
		return nil, newError(CodeSession, err)
	}
	u.Pending, res.Linked = false, true
	return u, nil
}

// checkUser refuses users of other tenants (a store that forgot the
// tenant scope) and disabled users.
func checkUser(u *User, tenant string) error {
	if u.Tenant != tenant {
		return newError(CodeOtherTenantsUser, fmt.Errorf("sso: user store returned a user of tenant %q", u.Tenant))
	}
	if u.Disabled {
		return newError(CodeNotAllowed, errors.New("sso: user is disabled"))
	}
	return nil
}

// createUser creates a user just in time; if a concurrent first login
// created it a moment ago, that user is used (only for a trusted email).
func (h *Handler) createUser(ctx context.Context, tenant string, prof Profile, res *Result, untrusted *UntrustedEmailError) (*User, error) {
	u, err := h.cfg.Users.CreateUser(ctx, tenant, prof)
	if errors.Is(err, ErrUserExists) && untrusted != nil {
		// Someone holds this email: an untrusted email must not link.
		return nil, domainError(untrusted)
	}
	if errors.Is(err, ErrUserExists) {
		u, err = h.cfg.Users.FindByEmail(ctx, tenant, prof.Email)
		if err == nil && u == nil {
			err = ErrUserExists
		}
		if err != nil {
			return nil, newError(CodeSession, err)
		}
		return u, nil
	}
	if err != nil {
		return nil, newError(CodeSession, err)
	}
	res.Created = true
	return u, nil
}
