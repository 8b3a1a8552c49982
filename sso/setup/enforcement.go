package setup

import (
	"context"
	"errors"
	"strings"

	"github.com/ssokit/ssokit/sso"
)

// BreakGlassSetter is implemented by stores through which the tenant's
// admin may switch break-glass password logins (sso.Tenant.AllowBreakGlass):
// *sso.MemoryStore and the reference SQL store do. With a Store lacking
// it, the Enforcement section shows the setting read-only and PUT
// api/tenant and POST tenant/break-glass answer 501.
type BreakGlassSetter interface {
	// SetAllowBreakGlass sets the tenant's AllowBreakGlass and leaves its
	// other settings and its connections as they are.
	SetAllowBreakGlass(ctx context.Context, tenant string, allow bool) error
}

// TenantView is the answer of GET and PUT api/tenant: whether SSO is
// enforced for the tenant and its settings, each explained in words.
type TenantView struct {
	Tenant string `json:"tenant"`
	// Enforced is true while an enabled connection has mode required:
	// password logins are then refused (see Status for the exceptions).
	Enforced bool `json:"enforced"`
	// RequiredConnections are the ids of those connections.
	RequiredConnections []string `json:"requiredConnections"`
	// Status says who may still log in with a password.
	Status string `json:"status"`
	// AllowBreakGlass lets password logins through the host's
	// break-glass path pass while SSO is required.
	AllowBreakGlass bool `json:"allowBreakGlass"`
	// BreakGlass says what AllowBreakGlass does now.
	BreakGlass string `json:"breakGlass"`
	// BreakGlassEditable is false when the store cannot change the
	// setting here; it is then the vendor's configuration.
	BreakGlassEditable bool `json:"breakGlassEditable"`
	// SingleIAM, set by the vendor only, allows one enabled identity
	// provider connection at a time.
	SingleIAM bool `json:"singleIAM"`
	// SingleIAMNote explains SingleIAM when it is set.
	SingleIAMNote string `json:"singleIAMNote,omitempty"`
}

// TenantInput is the body of PUT api/tenant. AllowBreakGlass is
// required: a body without it changes nothing and answers 400.
type TenantInput struct {
	AllowBreakGlass *bool `json:"allowBreakGlass"`
}

// Texts of the Enforcement section. They follow sso.Handler's
// CheckPasswordLogin: pending users never use a password, privileged
// users always may, and an enabled required connection refuses everyone
// else unless the login is break-glass and the tenant allows it.
const (
	pendingNote = " Users created by SCIM provisioning that are still pending have no password and can only use SSO."
	enforcedMsg = "password logins are refused, except for users your application marks as privileged" +
		" (administrators, managers), who can always use their password so that a broken identity provider never" +
		" locks your organisation out, and except for logins through your application's break-glass path while" +
		" break-glass logins are allowed." + pendingNote
	optionalMsg = "SSO is optional: users can log in with their password or with SSO. To enforce SSO, set the mode of" +
		" an enabled connection to required." + pendingNote
	singleIAMNote = "One identity provider at a time: your vendor allows only one enabled identity-provider connection" +
		" (SAML, OpenID Connect, Okta or Entra ID; Google and partner JWT do not count). Only your vendor can change this."
)

// errNoBreakGlass answers 501: the store cannot change the setting.
var errNoBreakGlass = errors.New("setup: break-glass logins cannot be switched here: " +
	"this installation keeps the setting in its SSO configuration; ask your vendor to change it")

// errBreakGlassMissing answers 400 to a PUT api/tenant without the field.
var errBreakGlassMissing = errors.New(`setup: send {"allowBreakGlass": true} or {"allowBreakGlass": false}`)

// requiredConnections lists the enabled required connections, the rule
// sso.Handler's RequiresSSO and CheckPasswordLogin apply.
func requiredConnections(t *sso.Tenant) []string {
	out := []string{}
	for _, c := range t.Connections {
		if c.Required() {
			out = append(out, c.ID)
		}
	}
	return out
}

// tenantView reads the tenant's enforcement and settings; a tenant not
// in the store yet has none.
func (h *Handler) tenantView(ctx context.Context, tenant string) (TenantView, error) {
	t, err := h.cfg.Store.Tenant(ctx, tenant)
	if errors.Is(err, sso.ErrNotFound) {
		t, err = &sso.Tenant{Slug: tenant}, nil
	}
	if err != nil {
		return TenantView{}, err
	}
	_, editable := h.cfg.Store.(BreakGlassSetter)
	v := TenantView{Tenant: tenant, RequiredConnections: requiredConnections(t), AllowBreakGlass: t.AllowBreakGlass,
		BreakGlassEditable: editable, SingleIAM: t.SingleIAM, Status: optionalMsg}
	if v.Enforced = len(v.RequiredConnections) > 0; v.Enforced {
		v.Status = "SSO is required (connection " + strings.Join(v.RequiredConnections, ", ") + "): " + enforcedMsg
	}
	v.BreakGlass = breakGlassWords(v.Enforced, v.AllowBreakGlass)
	if v.SingleIAM {
		v.SingleIAMNote = singleIAMNote
	}
	return v, nil
}

// breakGlassWords says what the break-glass setting does now.
func breakGlassWords(enforced, allow bool) string {
	switch {
	case enforced && allow:
		return "allowed: a password login through your application's break-glass path is accepted although SSO is required."
	case enforced:
		return "refused: a password login through your application's break-glass path is refused like any other password login."
	case allow:
		return "allowed, but it has no effect while SSO is optional: password logins work anyway. It applies once SSO is required."
	}
	return "refused, but it has no effect while SSO is optional: password logins work anyway. It applies once SSO is required."
}

// setBreakGlass switches the session tenant's break-glass setting through
// the store, audits it and returns the tenant as it is now.
func (h *Handler) setBreakGlass(ctx context.Context, s session, allow bool) (TenantView, error) {
	bs, ok := h.cfg.Store.(BreakGlassSetter)
	if !ok {
		return TenantView{}, errNoBreakGlass
	}
	if err := bs.SetAllowBreakGlass(ctx, s.tenant, allow); err != nil {
		return TenantView{}, err
	}
	detail := "off"
	if allow {
		detail = "on"
	}
	_ = h.cfg.Audit.Record(ctx, AuditEvent{Time: h.cfg.Now().UTC(), Tenant: s.tenant, Actor: s.actor,
		Action: "tenant.break_glass", Detail: detail})
	return h.tenantView(ctx, s.tenant)
}
