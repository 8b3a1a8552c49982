package sso

import (
	"slices"
	"strconv"
	"strings"
)

// Kind is the protocol family of a connection.
type Kind string

// Connection kinds. Azure, Google and Okta are OpenID Connect with
// provider-specific defaults and checks.
const (
	KindSAML   Kind = "saml"
	KindOIDC   Kind = "oidc"
	KindAzure  Kind = "azure"
	KindGoogle Kind = "google"
	KindOkta   Kind = "okta"
	KindJWT    Kind = "jwt"
)

// IsOIDC reports whether the kind is an OpenID Connect flavour.
func (k Kind) IsOIDC() bool {
	return k == KindOIDC || k == KindAzure || k == KindGoogle || k == KindOkta
}

// IsIAM reports whether the kind counts as an IAM connection for
// [Tenant.SingleIAM] (WhenToWork: Okta, Azure and their generic forms).
func (k Kind) IsIAM() bool { return k != KindJWT && k != KindGoogle }

// Mode says whether a connection replaces the host's password login.
type Mode string

// Connection modes. The empty mode is optional.
const (
	ModeOptional Mode = "optional"
	ModeRequired Mode = "required"
)

// Provisioning says what a login may do to the host's users.
type Provisioning string

// Provisioning modes. The empty value is existing-only, Contiamo's and
// IT Glue's behaviour: no account is ever created by a login.
const (
	ExistingOnly Provisioning = "existing-only"
	JIT          Provisioning = "jit"
	JITAndUpdate Provisioning = "jit-and-update"
)

// Tenant is one organisation (its slug appears in URLs) and its connections.
type Tenant struct {
	// Slug names the tenant in URLs: {prefix}/{slug}/login.
	Slug string `json:"-"`
	// Connections are the tenant's identity providers.
	Connections []Connection `json:"connections"`
	// SingleIAM allows at most one enabled IAM connection (WhenToWork:
	// "only one type of IAM access can be enabled").
	SingleIAM bool `json:"singleIAM,omitempty"`
	// AllowBreakGlass lets users log in with their password through the
	// host's break-glass path even when SSO is required (IT Glue's
	// app.itglue.com fallback).
	AllowBreakGlass bool `json:"allowBreakGlass,omitempty"`
	// Domains are domains an operator declares verified for the tenant
	// without DNS proof. [New] records them in Config.Domains and logs
	// each one.
	Domains []TenantDomain `json:"domains,omitempty"`

	// paths are the JSON paths of the connections when loaded from a
	// file, for error messages.
	paths []string
}

// connPath returns the JSON path of connection i.
func (t *Tenant) connPath(i int) string {
	if i < len(t.paths) {
		return t.paths[i]
	}
	return "$[" + strconv.Quote(t.Slug) + "][" + strconv.Itoa(i) + "]"
}

// VerificationManual is the only verification a configuration may
// declare: an operator's decision, with a reason.
const VerificationManual = "manual"

// TenantDomain is a domain the configuration declares verified for its
// tenant, on an operator's word. Tenants prove domains by DNS through
// package domains instead; a configuration cannot claim a domain any
// other way.
type TenantDomain struct {
	// Name is the domain, e.g. "acme.example".
	Name string `json:"name"`
	// Verification must be [VerificationManual].
	Verification string `json:"verification"`
	// Reason says why the operator vouches for the domain (audited).
	Reason string `json:"reason"`
	// IncludeSubdomains extends the trust to every name under Name.
	IncludeSubdomains bool `json:"includeSubdomains,omitempty"`
}

// Connection is one identity provider configured for a tenant.
type Connection struct {
	// ID names the connection in URLs (the OIDC callback path); unique
	// per tenant. Default: the kind, so Contiamo's file gives "azure" and
	// "google".
	ID string `json:"id,omitempty"`
	// Name is the label of the login button. Default: derived from Kind.
	Name string `json:"name,omitempty"`
	// Kind is the protocol family.
	Kind Kind `json:"kind"`
	// Mode is required or optional (the default).
	Mode Mode `json:"mode,omitempty"`
	// Disabled keeps the connection configured but unusable.
	Disabled bool `json:"disabled,omitempty"`
	// EmailPattern is a Go regular expression every email must match.
	EmailPattern string `json:"emailPattern,omitempty"`
	// Domains are the email domains routed to this connection by
	// home-realm discovery; a domain routes only while it is verified for
	// the tenant (Config.Domains).
	Domains    []string   `json:"domains,omitempty"`
	Parameters Parameters `json:"parameters"`
	// Mapping holds the space, role, group and permission rules.
	Mapping MappingRules `json:"mapping,omitzero"`
	// TestExpressions must all pass on every login (WhenToWork).
	TestExpressions []string `json:"testExpressions,omitempty"`
	// Provisioning is existing-only (the default), jit or jit-and-update.
	Provisioning Provisioning `json:"provisioning,omitempty"`
	// GroupSync is "strict", "additive" or "none" (the default).
	GroupSync string `json:"groupSync,omitempty"`
	// AllowUnverifiedDomains lets a first login whose email's domain is
	// not verified for the tenant proceed instead of failing with
	// domain_not_verified: the email is marked unverified, no existing
	// account is ever found by it, a new one is created only with jit
	// provisioning, and the user is matched by (issuer, subject) from
	// then on. Off by default.
	AllowUnverifiedDomains bool `json:"allowUnverifiedDomains,omitempty"`
	// Version increases with every change; compiled state is cached per
	// version. Stores set it.
	Version int64 `json:"-"`
}

// Parameters are the protocol settings of a connection. Secret fields
// accept "env:NAME" and "file:/path" references.
type Parameters struct {
	// ClientID and ClientSecret identify the OpenID Connect client.
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
	// DiscoveryEndpoint is the issuer URL (default for google:
	// https://accounts.google.com).
	DiscoveryEndpoint string `json:"discoveryEndpoint,omitempty"`
	// Scopes replaces "openid profile email".
	Scopes []string `json:"scopes,omitempty"`
	// CustomScopes are space-delimited extra scopes (WhenToWork).
	CustomScopes string `json:"customScopes,omitempty"`
	// ClaimMapping overrides claim names: keys "email", "name",
	// "givenName", "familyName", "groups", "spaceName", "spaceRole",
	// "timezone"; values are claim paths.
	ClaimMapping map[string]string `json:"claimMapping,omitempty"`
	// AuthMethod is client_secret_basic (default), client_secret_post or
	// private_key_jwt.
	AuthMethod string `json:"authMethod,omitempty"`
	// PrivateKey is a PEM key (usually a file: reference) for
	// private_key_jwt.
	PrivateKey string `json:"privateKey,omitempty"`
	// OfflineAccess asks for a refresh token (background sync).
	OfflineAccess bool `json:"offlineAccess,omitempty"`
	// FetchUserInfo reads the userinfo endpoint after each login.
	FetchUserInfo bool `json:"fetchUserInfo,omitempty"`
	// TenantID pins the Entra ID tenant (tid); HostedDomain is Google's hd.
	TenantID     string `json:"tenantId,omitempty"`
	HostedDomain string `json:"hostedDomain,omitempty"`

	// MetadataURL or MetadataXML describe a SAML IdP; without them
	// IdPIssuer, SSOURL and Certificate (PEM) do.
	MetadataURL string `json:"metadataUrl,omitempty"`
	MetadataXML string `json:"metadataXml,omitempty"`
	IdPIssuer   string `json:"idpIssuer,omitempty"`
	SSOURL      string `json:"ssoUrl,omitempty"`
	Certificate string `json:"certificate,omitempty"`

	// SharedSecret is the JWT SSO key (HS256, at least 32 bytes).
	SharedSecret string `json:"sharedSecret,omitempty"`
	// RemoteLoginURL is the partner's login script.
	RemoteLoginURL string `json:"remoteLoginUrl,omitempty"`
}

// MappingRules are the claim-to-host rules of a connection.
type MappingRules struct {
	// Permissions grant host permissions to IdP groups.
	Permissions []PermissionRule `json:"permissions,omitempty"`
	// NameOptional lets logins without a name claim through.
	NameOptional bool `json:"nameOptional,omitempty"`
}

// PermissionRule grants Permissions to members of the IdP group Group.
type PermissionRule struct {
	Group       string   `json:"group"`
	Permissions []string `json:"permissions"`
}

// connectionID returns the effective ID.
func (c *Connection) connectionID() string {
	if c.ID != "" {
		return c.ID
	}
	return string(c.Kind)
}

// Required reports whether the connection is enabled and its mode is
// required: the tenant then enforces SSO (see [Handler.RequiresSSO]).
func (c *Connection) Required() bool { return !c.Disabled && c.Mode == ModeRequired }

// displayName returns the login button label.
func (c *Connection) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	switch c.Kind {
	case KindAzure:
		return "Microsoft"
	case KindGoogle:
		return "Google"
	case KindOkta:
		return "Okta"
	case KindSAML:
		return "SAML"
	case KindJWT:
		return "Partner login"
	}
	return "OpenID Connect"
}

// servesDomain reports whether home-realm discovery routes domain here
// (the caller checks that domain is verified).
func (c *Connection) servesDomain(domain string) bool {
	return slices.ContainsFunc(c.Domains, func(d string) bool {
		return strings.EqualFold(strings.TrimSuffix(d, "."), domain)
	})
}

// normalize fills defaults in place.
func (c *Connection) normalize() {
	c.ID = c.connectionID()
	if c.Mode == "" {
		c.Mode = ModeOptional
	}
	if c.Provisioning == "" {
		c.Provisioning = ExistingOnly
	}
	if c.Kind == KindGoogle && c.Parameters.DiscoveryEndpoint == "" {
		c.Parameters.DiscoveryEndpoint = "https://accounts.google.com"
	}
}
