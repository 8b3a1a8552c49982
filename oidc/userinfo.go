package oidc

import (
	"context"
	"fmt"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// addUserInfo fetches the userinfo claims when configured and checks that
// their sub is the token's subject (OpenID Connect Core 5.3.2).
func (rp *RP) addUserInfo(ctx context.Context, d *discovered, t *Tokens) error {
	if !rp.cfg.FetchUserInfo {
		return nil
	}
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: t.AccessToken, TokenType: "Bearer"})
	ui, err := d.provider.UserInfo(gooidc.ClientContext(ctx, limitClient(rp.cfg.HTTPClient)), ts)
	if err != nil {
		return &ClaimsError{Reason: "userinfo request failed", Err: err}
	}
	var claims map[string]any
	if err := ui.Claims(&claims); err != nil {
		return &ClaimsError{Reason: "userinfo claims unreadable", Err: err}
	}
	if t.Subject == "" { // refresh without ID token or known subject
		t.Subject = ui.Subject
	}
	if ui.Subject == "" || ui.Subject != t.Subject {
		return &SubjectError{Source: "userinfo", Got: ui.Subject, Want: t.Subject}
	}
	t.UserInfo = claims
	return nil
}

// GroupsOverage reports that Entra ID did not put the user's groups in the
// token because there were too many (more than 200 in a JWT). The host must
// read them from Microsoft Graph (GET /users/{id}/transitiveMemberOf or
// memberOf) with an application token.
type GroupsOverage struct {
	// Endpoint is the claim source endpoint named by _claim_names /
	// _claim_sources, if any. It points at the legacy Azure AD Graph; use
	// Microsoft Graph with the token's oid instead.
	Endpoint string
}

// String describes the overage for logs.
func (g *GroupsOverage) String() string {
	return fmt.Sprintf("groups overage (source %q)", g.Endpoint)
}

// groupsOverage detects the two overage markers: _claim_names.groups (with
// its _claim_sources entry) and hasgroups: true.
func groupsOverage(claims map[string]any) *GroupsOverage {
	if names, ok := claims["_claim_names"].(map[string]any); ok {
		if src, ok := names["groups"].(string); ok {
			g := &GroupsOverage{}
			if sources, ok := claims["_claim_sources"].(map[string]any); ok {
				if s, ok := sources[src].(map[string]any); ok {
					g.Endpoint, _ = s["endpoint"].(string)
				}
			}
			return g
		}
	}
	if has, _ := claims["hasgroups"].(bool); has {
		return &GroupsOverage{}
	}
	return nil
}
