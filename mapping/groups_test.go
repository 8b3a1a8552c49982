package mapping_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

const (
	opsGUID = "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"
	devGUID = "0a9b8c7d-6e5f-4a3b-8c1d-0e9f8a7b6c5d"
)

func groupCatalog(t testing.TB) *mapping.Catalog {
	t.Helper()
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{Groups: []mapping.Group{
		{ID: "ops", IdPID: opsGUID},
		{ID: "developers", IdPID: strings.ToUpper(devGUID)},
		{ID: "dev-oncall", IdPID: " " + devGUID + " "}, // two host groups, one IdP group
		{ID: "manual", IdPID: ""},                      // managed by hand: never mapped
	}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func groupClaims(groups any) mapping.Claims {
	c := map[string]any{"email": "ann@example.com", "name": "Ann", "space_name": "Trial", "space_role": "Space Admin"}
	if groups != nil {
		c["groups"] = groups
	}
	return mapping.Claims{IDToken: c}
}

func TestGroupsByIdPIdentifier(t *testing.T) {
	tests := []struct {
		name   string
		groups any
		want   []string
		steps  []string
	}{
		{"Entra object id maps to its host group", []any{opsGUID}, []string{"ops"},
			[]string{"group '" + opsGUID + "': host group 'ops'"}},
		{"GUIDs match case-insensitively", []any{strings.ToUpper(opsGUID)}, []string{"ops"}, nil},
		{"one IdP group may feed two host groups", []any{devGUID}, []string{"dev-oncall", "developers"}, nil},
		{"unmapped group is ignored", []any{"11111111-2222-3333-4444-555555555555"}, nil,
			[]string{"group '11111111-2222-3333-4444-555555555555' not mapped: ignored"}},
		{"result is sorted and unique", []any{devGUID, opsGUID, strings.ToUpper(devGUID)}, []string{"dev-oncall", "developers", "ops"}, nil},
		{"a group without IdP id is never assigned", []any{"", "manual"}, nil, nil},
		{"single string claim", opsGUID, []string{"ops"}, nil},
		{"empty list: member of nothing", []any{}, nil, nil},
	}
	m := compile(t, mapping.Rules{})
	cat := groupCatalog(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := m.Map(groupClaims(tc.groups), cat)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Groups, tc.want) || !d.GroupsSent {
				t.Errorf("groups = %q (sent %v), want %q", d.Groups, d.GroupsSent, tc.want)
			}
			for _, s := range tc.steps {
				if !hasStep(d, s) {
					t.Errorf("no step %q in:\n%s", s, d.Explain())
				}
			}
		})
	}
}

func TestGroupsClaimAbsent(t *testing.T) {
	d, err := compile(t, mapping.Rules{}).Map(groupClaims(nil), groupCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.GroupsSent || d.Groups != nil || d.Permissions != nil {
		t.Errorf("got sent=%v groups=%q perms=%q, want false, nil, nil", d.GroupsSent, d.Groups, d.Permissions)
	}
	if !hasStep(d, "no groups claim 'groups': no groups") {
		t.Errorf("steps:\n%s", d.Explain())
	}
}

func TestGroupsClaimErrors(t *testing.T) {
	m := compile(t, mapping.Rules{})
	for name, groups := range map[string]any{
		"number":          12.0,
		"list of numbers": []any{1.0, 2.0},
		"object":          map[string]any{"a": "b"},
		"too many":        make([]any, mapping.MaxValues+1),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := m.Map(groupClaims(groups), torqueCatalog(t))
			var ce *mapping.ClaimError
			if !errors.As(err, &ce) || ce.Path != "groups" {
				t.Fatalf("err = %v, want a *ClaimError for groups", err)
			}
			if !hasStep(d, "email 'ann@example.com' from claim 'email'") {
				t.Errorf("the steps so far should be kept for the admin:\n%s", d.Explain())
			}
			if d.Email != "" || d.Name != "" || d.Spaces != nil {
				t.Errorf("a failed mapping returned partial results: %+v", d)
			}
		})
	}
}

// reinferRules maps Re:infer groups to permissions.
func reinferRules() []mapping.PermissionRule {
	return []mapping.PermissionRule{
		{Group: "reinfer-admins", Permissions: []string{"admin", "read", "write"}},
		{Group: "reinfer-users", Permissions: []string{"read"}},
		{Group: "Labellers ", Permissions: []string{" label ", "read"}},
	}
}

func TestPermissionsFromGroups(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		claims mapping.Claims
		want   []string
		step   string
	}{
		{
			name:   "Re:infer id_token / roles",
			path:   "id_token:roles",
			claims: mapping.Claims{IDToken: map[string]any{"roles": []any{"reinfer-users"}}},
			want:   []string{"read"},
			step:   "group 'reinfer-users': permissions 'read'",
		},
		{
			name: "Re:infer access_token / resource_access / reinfer.io / roles",
			path: "access_token:resource_access/reinfer.io/roles",
			claims: mapping.Claims{AccessToken: map[string]any{"resource_access": map[string]any{
				"reinfer.io": map[string]any{"roles": []any{"reinfer-admins", "LABELLERS"}},
			}}},
			want: []string{"admin", "label", "read", "write"},
			step: "group 'reinfer-admins': permissions 'admin', 'read', 'write'",
		},
		{
			name:   "groups without a rule grant nothing",
			path:   "groups",
			claims: mapping.Claims{IDToken: map[string]any{"groups": []any{"sales"}}},
			want:   nil,
			step:   "group 'sales' not mapped: ignored",
		},
		{
			name:   "SAML attribute",
			path:   "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
			claims: mapping.Claims{SAML: map[string][]string{"http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": {"reinfer-users"}}},
			want:   []string{"read"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := compile(t, mapping.Rules{Groups: tc.path, Permissions: reinferRules(), NameOptional: true})
			if tc.claims.IDToken == nil {
				tc.claims.IDToken = map[string]any{}
			}
			tc.claims.IDToken["email"] = "ann@example.com"
			d, err := m.Map(tc.claims, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Permissions, tc.want) {
				t.Errorf("permissions = %q, want %q", d.Permissions, tc.want)
			}
			if tc.step != "" && !hasStep(d, tc.step) {
				t.Errorf("no step %q in:\n%s", tc.step, d.Explain())
			}
		})
	}
}

func TestGroupFeedsHostGroupAndPermissions(t *testing.T) {
	m := compile(t, mapping.Rules{Permissions: []mapping.PermissionRule{{Group: opsGUID, Permissions: []string{"deploy"}}}})
	d, err := m.Map(groupClaims([]any{strings.ToUpper(opsGUID)}), groupCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Groups, []string{"ops"}) || !slices.Equal(d.Permissions, []string{"deploy"}) {
		t.Errorf("groups %q permissions %q", d.Groups, d.Permissions)
	}
	if hasStep(d, "group '"+strings.ToUpper(opsGUID)+"' not mapped: ignored") {
		t.Error("a mapped group was explained as unmapped")
	}
}

func TestDecisionDoesNotShareRuleSlices(t *testing.T) {
	m := compile(t, mapping.Rules{Permissions: reinferRules(), NameOptional: true})
	c := mapping.Claims{IDToken: map[string]any{"email": "a@b.co", "groups": []any{"reinfer-admins"}}}
	d, _ := m.Map(c, groupCatalog(t))
	d.Permissions[0] = "changed"
	d2, _ := m.Map(c, groupCatalog(t))
	if d2.Permissions[0] != "admin" {
		t.Fatalf("changing one decision changed the compiled rules: %q", d2.Permissions)
	}
}

func TestGroupsOverage(t *testing.T) {
	overage := map[string]any{
		"email": "ann@example.com", "name": "Ann",
		"_claim_names":   map[string]any{"groups": "src1"},
		"_claim_sources": map[string]any{"src1": map[string]any{"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}},
	}
	tests := []struct {
		name   string
		path   string
		claims mapping.Claims
		want   bool
	}{
		{"Entra overage in the ID token", "groups", mapping.Claims{IDToken: overage}, true},
		{"selected ID token", "id_token:groups", mapping.Claims{IDToken: overage}, true},
		{"overage in the access token", "access_token:groups", mapping.Claims{IDToken: overage, AccessToken: map[string]any{"_claim_names": map[string]any{"groups": "src1"}}}, true},
		{"overage in userinfo", "userinfo:groups", mapping.Claims{IDToken: overage, UserInfo: map[string]any{"_claim_names": map[string]any{"groups": "src1"}}}, true},
		{"another claim's overage", "roles", mapping.Claims{IDToken: overage}, false},
		{"nested path", "id_token:a/groups", mapping.Claims{IDToken: overage}, false},
		{"SAML", "saml:groups", mapping.Claims{IDToken: overage}, false},
		{"no overage", "groups", mapping.Claims{IDToken: map[string]any{"email": "ann@example.com", "name": "Ann"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := compile(t, mapping.Rules{Groups: tc.path}).Map(tc.claims, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d.GroupsDistributed != tc.want || d.GroupsSent {
				t.Errorf("GroupsDistributed = %v, GroupsSent = %v; want %v, false", d.GroupsDistributed, d.GroupsSent, tc.want)
			}
			step := "groups claim '" + tc.path + "' left out of the token and named in '_claim_names' (too many groups): not read"
			if hasStep(d, step) != tc.want {
				t.Errorf("step %q present = %v, want %v:\n%s", step, !tc.want, tc.want, d.Explain())
			}
		})
	}
}
