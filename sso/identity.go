package sso

import (
	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
)

// Identity is a verified login, normalized across protocols.
type Identity struct {
	// Tenant, Connection and Kind say where the login came through.
	Tenant     string
	Connection string
	Kind       Kind
	// Issuer and Subject key the identity once linked.
	Issuer  string
	Subject string
	// EmailVerified is the OIDC email_verified claim when sent; false
	// forbids linking by email.
	EmailVerified *bool
	// Claims are every document received.
	Claims mapping.Claims
	// RefreshToken is the OIDC refresh token, when one was issued, for
	// background sync.
	RefreshToken string
}

// Result is a completed login handed to [SessionStarter.StartSession].
type Result struct {
	// Tenant and Connection say where the login came through.
	Tenant     string
	Connection string
	// User is the host user, found, linked or created.
	User User
	// Created reports a user created by this login (JIT).
	Created bool
	// ProvisionedID is the SCIM id of the provisioned user this first
	// login created the host user from (see [ProvisionedUsers]).
	ProvisionedID string
	// Linked reports a first link of (issuer, subject) to the user.
	Linked bool
	// EmailTrusted reports that the asserted email's domain is verified
	// for the tenant (and the provider did not deny it). False only for
	// logins through a connection with AllowUnverifiedDomains, or of a
	// user linked before; the account's email was then left unchanged.
	EmailTrusted bool
	// Identity is the verified login; Decision what the mapping rules
	// made of it (spaces, roles, groups, permissions, explanation).
	Identity Identity
	Decision mapping.Decision
	// SyncMode is the connection's group sync mode, for enrolling the
	// refresh token with a groupsync.Worker.
	SyncMode groupsync.Mode
	// Sync is the on-login group sync's outcome.
	Sync groupsync.Result
	// ReturnTo is where the browser goes after StartSession.
	ReturnTo string
}

func (id *Identity) documents() policy.Documents {
	return policy.Documents{IDToken: id.Claims.IDToken, AccessToken: id.Claims.AccessToken,
		UserInfo: id.Claims.UserInfo, SAML: id.Claims.SAML}
}

// identityFromOIDC normalizes verified OIDC tokens.
func identityFromOIDC(cc *compiled, t *oidc.Tokens) Identity {
	id := Identity{Tenant: cc.tenant, Connection: cc.conn.ID, Kind: cc.conn.Kind,
		Subject: t.Subject, RefreshToken: t.RefreshToken,
		Claims: mapping.Claims{AccessToken: t.AccessTokenClaims, UserInfo: t.UserInfo}}
	if t.IDToken != nil {
		id.Issuer = t.IDToken.Issuer
		id.Claims.IDToken = t.IDToken.Claims
		id.EmailVerified = boolClaim(t.IDToken.Claims["email_verified"])
	}
	return id
}

// boolClaim reads a boolean claim sent as a boolean or as "true"/"false".
func boolClaim(v any) *bool {
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case string:
		switch x {
		case "true":
			b = true
		case "false":
		default:
			return nil
		}
	default:
		return nil
	}
	return &b
}
