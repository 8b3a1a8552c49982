package sso

import (
	"context"
	"errors"
	"net/http"

	"github.com/ssokit/ssokit/groupsync"
)

// complete runs the shared part of every login after the protocol step:
// policy, mapping, user, group sync, session, redirect.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request, cc *compiled, id Identity, returnTo string) {
	h.debug.record(id, h.cfg.Now())
	res, err := h.login(r.Context(), cc, id)
	if err != nil {
		h.fail(w, r, cc.tenant, cc.conn.ID, &id, err)
		return
	}
	res.ReturnTo = returnTo
	if err := h.cfg.Sessions.StartSession(w, r, res); err != nil {
		h.fail(w, r, cc.tenant, cc.conn.ID, &id, newError(CodeSession, err))
		return
	}
	h.auditSuccess(r.Context(), cc, res)
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// login decides who logs in, without touching the HTTP exchange.
func (h *Handler) login(ctx context.Context, cc *compiled, id Identity) (*Result, error) {
	if id.Issuer == "" || id.Subject == "" {
		return nil, newError(CodeIdentity, errors.New("sso: identity without issuer or subject"))
	}
	if err := h.admit(ctx, cc, &id); err != nil {
		return nil, err
	}
	if cc.policy != nil {
		if err := cc.policy.Evaluate(id.documents()).Err(); err != nil {
			return nil, newError(CodeTestExpression, err)
		}
	}
	cat := h.catalog
	if h.cfg.Catalog != nil {
		c, err := h.cfg.Catalog(ctx, cc.tenant)
		if err != nil {
			return nil, newError(CodeSession, err)
		}
		cat = c
	}
	d, err := cc.mapper.Map(id.Claims, cat)
	if err != nil {
		return nil, classify(err)
	}
	res := &Result{Tenant: cc.tenant, Connection: cc.conn.ID, Identity: id, Decision: d, SyncMode: cc.sync}
	if err := h.resolveUser(ctx, cc, res); err != nil {
		return nil, err
	}
	if err := h.syncGroups(ctx, cc, res); err != nil {
		return nil, err
	}
	return res, nil
}

// syncGroups applies on-login group sync when configured and the IdP sent
// groups at all (an absent claim never strips memberships).
func (h *Handler) syncGroups(ctx context.Context, cc *compiled, res *Result) error {
	if h.cfg.Memberships == nil || cc.sync == groupsync.ModeNone {
		return nil
	}
	if !res.Decision.GroupsSent || res.Decision.GroupsDistributed {
		res.Sync.Skipped = "identity provider sent no groups claim"
		return nil
	}
	s, err := groupsync.NewSyncer(h.cfg.Memberships)
	if err != nil {
		return newError(CodeConfig, err)
	}
	out, err := s.Sync(ctx, groupsync.Request{UserID: res.User.ID, FromIdP: true, Mode: cc.sync,
		Desired: groupsync.Desired{Groups: res.Decision.Groups, Permissions: res.Decision.Permissions}})
	res.Sync = out
	if err != nil {
		return newError(CodeSession, err)
	}
	return nil
}
