package sso

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/oidc"
)

// Background sync (Re:infer): after a login with a refresh token, the host
// enrolls the user with a groupsync.Worker, for example in StartSession:
//
//	if res.Identity.RefreshToken != "" && res.SyncMode != groupsync.ModeNone {
//		worker.Enroll(ctx, res.User.ID, res.SyncConnection(), res.SyncMode, res.Identity.RefreshToken)
//	}
//
// and builds the worker with the handler as its Refresher and
// [Handler.MapClaims] as its MapFunc, so refreshed claims go through the
// connection's own mapping rules.

// SyncConnection names the login's connection for groupsync records:
// "tenant/connection".
func (r *Result) SyncConnection() string { return stateConnection(r.Tenant, r.Connection) }

// errNoGroups keeps memberships unchanged when a refresh brings no groups.
var errNoGroups = errors.New("sso: refreshed claims carry no groups claim; memberships left unchanged")

// syncConnection loads the compiled connection of a groupsync record.
func (h *Handler) syncConnection(ctx context.Context, name string) (*compiled, error) {
	tenant, id, ok := strings.Cut(name, "/")
	if !ok {
		return nil, fmt.Errorf("sso: connection %q is not tenant/connection", name)
	}
	return h.connection(ctx, tenant, id)
}

// Refresh implements groupsync.Refresher for OIDC connections: a refresh
// token the provider refuses wraps groupsync.ErrRefreshRevoked, so the
// worker removes the user's IdP-derived grants.
func (h *Handler) Refresh(ctx context.Context, req groupsync.RefreshRequest) (groupsync.Refreshed, error) {
	cc, err := h.syncConnection(ctx, req.Connection)
	if err != nil {
		return groupsync.Refreshed{}, err
	}
	if cc.rp == nil {
		return groupsync.Refreshed{}, fmt.Errorf("sso: connection %q cannot refresh tokens", req.Connection)
	}
	t, err := cc.rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: req.RefreshToken})
	if errors.Is(err, oidc.ErrRefreshRevoked) {
		return groupsync.Refreshed{}, fmt.Errorf("%w: %w", groupsync.ErrRefreshRevoked, err)
	}
	if err != nil {
		return groupsync.Refreshed{}, err
	}
	out := groupsync.Refreshed{Claims: groupsync.Claims{UserInfo: t.UserInfo, AccessToken: t.AccessTokenClaims}}
	if t.IDToken != nil {
		out.Claims.IDToken = t.IDToken.Claims
	}
	if t.RefreshTokenRotated {
		out.RefreshToken = t.RefreshToken
	}
	return out, nil
}

// MapClaims is a groupsync.MapFunc: it maps refreshed claims with the
// connection's rules and the tenant's catalog. Claims without the groups
// claim are an error, so a strict sync never strips memberships because a
// refreshed token left the claim out.
func (h *Handler) MapClaims(ctx context.Context, connection string, c groupsync.Claims) (groupsync.Desired, error) {
	cc, err := h.syncConnection(ctx, connection)
	if err != nil {
		return groupsync.Desired{}, err
	}
	cat := h.catalog
	if h.cfg.Catalog != nil {
		if cat, err = h.cfg.Catalog(ctx, cc.tenant); err != nil {
			return groupsync.Desired{}, err
		}
	}
	d, err := cc.mapper.Map(mapping.Claims{IDToken: c.IDToken, UserInfo: c.UserInfo, AccessToken: c.AccessToken}, cat)
	if err != nil {
		return groupsync.Desired{}, err
	}
	if !d.GroupsSent || d.GroupsDistributed {
		return groupsync.Desired{}, errNoGroups
	}
	return groupsync.Desired{Groups: d.Groups, Permissions: d.Permissions}, nil
}
