package sso

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ssokit/ssokit/domains"
)

// DomainTrust says which tenant has proven that it owns a domain.
// [*domains.Service] implements it; see package domains for how a tenant
// proves a domain (DNS TXT record) or an operator vouches for it.
type DomainTrust interface {
	// VerifiedFor reports whether the domain of emailOrDomain is verified
	// for tenant. Only true may be used to link, create or route by
	// email; an error counts as "not verified".
	VerifiedFor(ctx context.Context, tenant, emailOrDomain string) (bool, error)
	// TenantFor names the tenant holding the domain of emailOrDomain
	// verified, if any.
	TenantFor(ctx context.Context, emailOrDomain string) (tenant string, ok bool, err error)
}

// manualVerifier is the part of [*domains.Service] that records the
// configuration's manually verified domains.
type manualVerifier interface {
	VerifyManually(ctx context.Context, tenant, domain string, o domains.Override) (domains.Domain, error)
	SetIncludeSubdomains(ctx context.Context, tenant, domain string, include bool) (domains.Domain, error)
}

// ErrUntrustedEmail is wrapped by every [*UntrustedEmailError].
var ErrUntrustedEmail = errors.New("sso: email not trusted for the tenant")

// UntrustedEmailError says why an asserted email may not link to an
// account, create one or route a login. It is the cause of an [*Error]
// with [CodeDomainNotVerified] (or [CodeNotAllowed] when the provider
// said email_verified is false), for logs; its text is not shown.
type UntrustedEmailError struct {
	// Tenant is the connection's tenant; Domain the email's domain.
	Tenant, Domain string
	// Reason says which rule refused it.
	Reason string
	// Err is the trust source's failure, if that was the cause.
	Err error
}

// Error describes the refusal for operators.
func (e *UntrustedEmailError) Error() string {
	s := fmt.Sprintf("sso: email domain %q is not trusted for tenant %q: %s", e.Domain, e.Tenant, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrUntrustedEmail and the trust source's error.
func (e *UntrustedEmailError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrUntrustedEmail, e.Err}
	}
	return []error{ErrUntrustedEmail}
}

// Reasons of an [UntrustedEmailError].
const (
	reasonNotVerified   = "the domain is not verified for this tenant"
	reasonEmailFalse    = "the identity provider says email_verified is false"
	reasonEDOVFalse     = "Entra ID says the email's domain is not verified by its owner (xms_edov false)"
	reasonNoEmail       = "the login carries no email"
	reasonTrustFailed   = "the domain trust source failed"
	reasonNoHostedDom   = "the Google token has no hd claim (not a Workspace account)"
	reasonHostedDomain  = "the Google hd claim is not a domain verified for this tenant"
	reasonEntraNoTenant = "the Entra ID token has no tid claim"
)

// verified asks the trust source, failing closed.
func (h *Handler) verified(ctx context.Context, tenant, emailOrDomain string) (bool, error) {
	ok, err := h.domains.VerifiedFor(ctx, tenant, emailOrDomain)
	return ok && err == nil, err
}

// trustEmail decides whether the email of a login may be used to find,
// link, create or update an account: the provider must not deny it
// (email_verified, xms_edov) and its domain must be verified for the
// connection's tenant. Nil means trusted.
func (h *Handler) trustEmail(ctx context.Context, cc *compiled, id *Identity, email string) *UntrustedEmailError {
	ue := &UntrustedEmailError{Tenant: cc.tenant, Domain: emailDomain(email)}
	switch {
	case email == "" || ue.Domain == "":
		ue.Reason = reasonNoEmail
	case id.EmailVerified != nil && !*id.EmailVerified:
		ue.Reason = reasonEmailFalse
	case cc.conn.Kind == KindAzure && isFalse(id.Claims.IDToken["xms_edov"]):
		ue.Reason = reasonEDOVFalse
	default:
		ok, err := h.verified(ctx, cc.tenant, email)
		switch {
		case err != nil:
			ue.Reason, ue.Err = reasonTrustFailed, err
		case !ok:
			ue.Reason = reasonNotVerified
		default:
			return nil
		}
	}
	return ue
}

// isFalse reports a claim that is present and false.
func isFalse(v any) bool {
	b := boolClaim(v)
	return b != nil && !*b
}

// admit applies the provider-specific admission rules to every login of a
// connection, linked or not: a Google token must carry an hd claim that
// is a domain verified for the tenant (else any Gmail account gets in);
// an Entra ID token must carry tid, equal to the pinned TenantID when one
// is configured (package oidc checks that too).
func (h *Handler) admit(ctx context.Context, cc *compiled, id *Identity) error {
	tok := id.Claims.IDToken
	switch cc.conn.Kind {
	case KindGoogle:
		hd, _ := tok["hd"].(string)
		if strings.TrimSpace(hd) == "" {
			return domainError(&UntrustedEmailError{Tenant: cc.tenant, Reason: reasonNoHostedDom})
		}
		ok, err := h.verified(ctx, cc.tenant, hd)
		switch {
		case err != nil:
			return domainError(&UntrustedEmailError{Tenant: cc.tenant, Domain: hd, Reason: reasonTrustFailed, Err: err})
		case !ok:
			return domainError(&UntrustedEmailError{Tenant: cc.tenant, Domain: hd, Reason: reasonHostedDomain})
		}
	case KindAzure:
		tid, _ := tok["tid"].(string)
		if tid == "" {
			return newError(CodeIdentity, &UntrustedEmailError{Tenant: cc.tenant, Reason: reasonEntraNoTenant})
		}
		if want := cc.conn.Parameters.TenantID; want != "" && !strings.EqualFold(tid, want) {
			return newError(CodeIdentity, fmt.Errorf("sso: Entra ID token of tenant %q, connection pinned to %q", tid, want))
		}
	}
	return nil
}

// domainError wraps an untrusted email in the error of its class.
func domainError(ue *UntrustedEmailError) *Error {
	switch ue.Reason {
	case reasonEmailFalse:
		return newError(CodeNotAllowed, ue)
	case reasonTrustFailed:
		return newError(CodeUnavailable, ue)
	}
	return newError(CodeDomainNotVerified, ue)
}
