package sso

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// User is the host's account as the login pipeline sees it.
type User struct {
	// ID is the host's user id; Tenant the tenant it belongs to.
	ID     string
	Tenant string
	// Email (lower case) and Name are the profile.
	Email string
	Name  string
	// Pending marks a user provisioned (SCIM) who never logged in; the
	// first SSO login activates it, and it has no password.
	Pending bool
	// Privileged marks administrators and managers, who may always use
	// their password (no lockout).
	Privileged bool
	// Disabled users cannot log in.
	Disabled bool
	// EmailUnverified marks an email no verified domain vouches for (a
	// user created through a connection with AllowUnverifiedDomains):
	// the host must not use it to identify the person elsewhere.
	EmailUnverified bool
}

// Profile is what a login says about a user.
type Profile struct {
	// Email is normalized (lower case); Timezone an IANA name or "".
	Email, Name, Timezone string
	// EmailUnverified is set when the email's domain is not verified for
	// the tenant (see [Connection].AllowUnverifiedDomains).
	EmailUnverified bool
}

// Link binds a user to an identity provider account.
type Link struct {
	// Issuer and Subject key the identity provider account.
	Issuer, Subject string
	// Activate turns a pending user into an active one.
	Activate bool
}

// UserStore is the host's user database, always scoped to one tenant.
// Find methods return (nil, nil) when there is no such user.
type UserStore interface {
	// FindBySubject finds the user linked to (issuer, subject) in tenant.
	FindBySubject(ctx context.Context, tenant, issuer, subject string) (*User, error)
	// FindByEmail finds the tenant's user with this (lower-case) email.
	FindByEmail(ctx context.Context, tenant, email string) (*User, error)
	// CreateUser creates an active user (just-in-time provisioning). It
	// must fail with an error wrapping ErrUserExists when the tenant has
	// a user with this email already (two first logins racing); the
	// pipeline then links that user instead.
	CreateUser(ctx context.Context, tenant string, p Profile) (*User, error)
	// UpdateProfile replaces the user's profile fields.
	UpdateProfile(ctx context.Context, tenant, userID string, p Profile) error
	// LinkUser binds (issuer, subject) to the user, activating it if asked.
	LinkUser(ctx context.Context, tenant, userID string, l Link) error
}

// ErrUserExists is wrapped by [UserStore.CreateUser] when the email is
// taken in the tenant.
var ErrUserExists = errors.New("sso: user already exists")

// SessionStarter starts the host's own session for a logged-in user, for
// example by setting its cookie. The handler redirects afterwards.
type SessionStarter interface {
	StartSession(w http.ResponseWriter, r *http.Request, res *Result) error
}

// SessionFunc adapts a function to [SessionStarter].
type SessionFunc func(w http.ResponseWriter, r *http.Request, res *Result) error

// StartSession calls f.
func (f SessionFunc) StartSession(w http.ResponseWriter, r *http.Request, res *Result) error {
	return f(w, r, res)
}

// emailDomain returns the lower-case domain of an email, or "".
func emailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 || i == len(email)-1 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}
