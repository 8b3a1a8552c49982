package sso_test

import (
	"slices"
	"testing"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/sso"
)

func TestGroupSyncModesOnLogin(t *testing.T) {
	for _, tc := range []struct {
		mode       string
		afterFirst []string // group ids held after the first login
		afterMove  []string // after the IdP moved the user from ops to devs
	}{
		{"strict", []string{"manual", "ops"}, []string{"devs", "manual"}},
		{"additive", []string{"manual", "ops"}, []string{"devs", "manual", "ops"}},
		{"none", []string{"manual"}, []string{"manual"}},
		{"", []string{"manual"}, []string{"manual"}},
	} {
		t.Run("mode "+tc.mode, func(t *testing.T) {
			c := oidcConn("okta", sso.KindOkta)
			c.GroupSync = tc.mode
			e := acmeEnv(t, c, []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}})
			e.members.Grant("ann", groupsync.Grant{Kind: groupsync.KindGroup, ID: "manual"}, groupsync.OriginManual)
			held := func() []string {
				var ids []string
				for _, h := range e.members.Held("ann") {
					ids = append(ids, h.ID)
				}
				return ids
			}
			e.wantLoggedIn(e.login("/sso/acme/login"))
			if got := held(); !slices.Equal(got, tc.afterFirst) {
				t.Fatalf("after first login %v, want %v", got, tc.afterFirst)
			}
			u := torqueUser()
			u.Claims["groups"] = []any{"devs-guid"}
			e.op.SetUser(u)
			e.wantLoggedIn(e.login("/sso/acme/login"))
			if got := held(); !slices.Equal(got, tc.afterMove) {
				t.Fatalf("after the move %v, want %v", got, tc.afterMove)
			}
		})
	}
	t.Run("strict sync keeps memberships when the IdP sends no groups claim", func(t *testing.T) {
		c := oidcConn("okta", sso.KindOkta)
		c.GroupSync = "strict"
		u := torqueUser()
		e := acmeEnv(t, c, []sso.User{{ID: "ann", Tenant: "acme", Email: "ann@acme.example"}}, u)
		e.wantLoggedIn(e.login("/sso/acme/login"))
		delete(u.Claims, "groups")
		e.op.SetUser(u)
		res := e.wantLoggedIn(e.login("/sso/acme/login"))
		if h := e.members.Held("ann"); len(h) != 1 || h[0].ID != "ops" || res.Sync.Skipped == "" {
			t.Fatalf("held %v skipped %q", h, res.Sync.Skipped)
		}
	})
}
