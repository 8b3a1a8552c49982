package main

import (
	"context"

	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/sso"
)

// The development OpenID provider's only client: the demo.
const (
	oidcClientID     = "demo-app"
	oidcClientSecret = "demo-client-secret"
)

// tenants are the demo's three organisations:
//
//   - acme signs in with OpenID Connect (optional: passwords still work),
//     and an access rule keeps contractors out;
//   - globex signs in with SAML, and SSO is required (only managers may
//     use a password);
//   - initech signs in through its own partner login script that sends a
//     signed JWT back (IT Glue's model), for existing users only.
func tenants(idps *devIdPs, jwtSecret, partnerLoginURL string) []sso.Tenant {
	strict := "strict"
	permissions := sso.MappingRules{Permissions: []sso.PermissionRule{
		{Group: financeGroupGUID, Permissions: []string{"billing:read"}},
	}}
	return []sso.Tenant{
		{Slug: "acme", Domains: manual("acme.example"), Connections: []sso.Connection{{
			ID: "okta", Name: "Acme SSO (OpenID Connect)", Kind: sso.KindOIDC, Mode: sso.ModeOptional,
			Domains: []string{"acme.example"}, Provisioning: sso.JIT, GroupSync: strict, Mapping: permissions,
			EmailPattern: `^.*@acme\.example$`,
			// WhenToWork-style access rule, checked on every login.
			TestExpressions: []string{"IDTOKEN.employee_type != 'contractor'"},
			Parameters: sso.Parameters{ClientID: oidcClientID, ClientSecret: oidcClientSecret,
				DiscoveryEndpoint: idps.op.Issuer()},
		}}},
		{Slug: "globex", Domains: manual("globex.example"), Connections: []sso.Connection{{
			ID: "entra", Name: "Globex SSO (SAML)", Kind: sso.KindSAML, Mode: sso.ModeRequired,
			Domains: []string{"globex.example"}, Provisioning: sso.JIT, GroupSync: strict, Mapping: permissions,
			Parameters: sso.Parameters{MetadataXML: string(idps.saml.Metadata()),
				ClaimMapping: map[string]string{"groups": "saml:" + entraGroupsClaim}},
		}}},
		{Slug: "initech", Domains: manual("initech.example"), Connections: []sso.Connection{{
			ID: "partner", Name: "Initech login (JWT)", Kind: sso.KindJWT, Mode: sso.ModeOptional,
			Provisioning: sso.ExistingOnly,
			Parameters:   sso.Parameters{SharedSecret: jwtSecret, RemoteLoginURL: partnerLoginURL},
		}}},
	}
}

// manual declares a demo domain verified by the operator; a real
// tenant proves its domain with a DNS TXT record (package domains).
func manual(name string) []sso.TenantDomain {
	return []sso.TenantDomain{{Name: name, Verification: sso.VerificationManual, Reason: "demo tenant"}}
}

// pendingDomains are the domains each tenant has claimed but not proven
// yet: the domains page shows the TXT record to publish for them. Being
// pending, they carry no trust (an email there neither links nor creates
// an account).
var pendingDomains = map[string]string{
	"acme":    "acme-labs.example",
	"globex":  "globex-research.example",
	"initech": "initech-tps.example",
}

// newCatalog is what the host application knows: its spaces, space roles
// and groups, two of them linked to identity-provider group ids. The
// "support" group has no IdP id: it is managed by hand and sync leaves it.
func newCatalog() (sso.CatalogFunc, error) {
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", "DevOps", "Production"},
		Roles:       []string{"Space Admin", "Space Developer", "Space Member"},
		DefaultRole: "Space Member",
		Groups: []mapping.Group{
			{ID: "platform-team", IdPID: platformGroupGUID},
			{ID: "finance", IdPID: financeGroupGUID},
			{ID: "support"},
		},
	})
	if err != nil {
		return nil, err
	}
	return func(context.Context, string) (*mapping.Catalog, error) { return cat, nil }, nil
}
