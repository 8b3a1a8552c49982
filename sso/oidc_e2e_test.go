package sso_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

func torqueUser() ssotest.OIDCUser {
	return ssotest.OIDCUser{Subject: "sub-ann", Email: "ann@acme.example", Name: "Ann Example",
		Claims: map[string]any{
			"email_verified": true,
			"space_name":     "Trial,DevOps",
			"space_role":     "Space Member,Space Developer",
			"timezone":       "Europe/Berlin",
			"groups":         []any{opsGroupGUID, "unmapped-guid"},
		}}
}

func TestOIDCLoginJITEndsInSessionWithSpacesRolesAndGroups(t *testing.T) {
	c := oidcConn("okta", sso.KindOkta)
	c.Provisioning = sso.JIT
	c.GroupSync = "strict"
	c.Mapping.Permissions = []sso.PermissionRule{{Group: opsGroupGUID, Permissions: []string{"deploy"}}}
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
		opUsers: []ssotest.OIDCUser{torqueUser()}})

	res := e.wantLoggedIn(e.login("/sso/acme/login?return_to=/dashboard%3Ftab%3D1"))
	if !res.Created || res.User.Email != "ann@acme.example" || res.User.Name != "Ann Example" || res.User.Tenant != "acme" {
		t.Errorf("user = %+v created=%v", res.User, res.Created)
	}
	wantSpaces := []mapping.Assignment{{Space: "Trial", Role: "Space Member"}, {Space: "DevOps", Role: "Space Developer"}}
	if !slices.Equal(res.Decision.Spaces, wantSpaces) {
		t.Errorf("spaces = %v, want %v", res.Decision.Spaces, wantSpaces)
	}
	if !slices.Equal(res.Decision.Groups, []string{"ops"}) || !slices.Equal(res.Decision.Permissions, []string{"deploy"}) {
		t.Errorf("groups %v permissions %v", res.Decision.Groups, res.Decision.Permissions)
	}
	if res.Decision.Timezone != "Europe/Berlin" || res.ReturnTo != e.srv.URL+"/dashboard?tab=1" {
		t.Errorf("timezone %q returnTo %q", res.Decision.Timezone, res.ReturnTo)
	}
	held := e.members.Held(res.User.ID)
	want := []groupsync.Held{{Grant: groupsync.Grant{Kind: groupsync.KindGroup, ID: "ops"}, Origin: groupsync.OriginIdP},
		{Grant: groupsync.Grant{Kind: groupsync.KindPermission, ID: "deploy"}, Origin: groupsync.OriginIdP}}
	if !slices.Equal(held, want) {
		t.Errorf("memberships = %v, want %v", held, want)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "valid login through okta connection detected") || !strings.Contains(logs, opsGroupGUID) {
		t.Errorf("audit log lacks the login or the group ids:\n%s", logs)
	}

	// A second login finds the user by (issuer, subject) and does not
	// create another one; strict sync removes a group the IdP dropped.
	u := torqueUser()
	u.Claims["groups"] = []any{"unmapped-guid"}
	e.op.SetUser(u)
	res2 := e.wantLoggedIn(e.login("/sso/acme/login"))
	if res2.Created || res2.Linked || res2.User.ID != res.User.ID || res2.ReturnTo != e.srv.URL+"/" {
		t.Errorf("second login: created=%v linked=%v user %q (want %q) returnTo %q", res2.Created, res2.Linked, res2.User.ID, res.User.ID, res2.ReturnTo)
	}
	if held := e.members.Held(res.User.ID); len(held) != 0 {
		t.Errorf("strict sync kept %v", held)
	}
}
