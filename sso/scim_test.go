package sso_test

import (
	"testing"

	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sso"
)

func TestSCIMProvisionedUserIsMatchedOnFirstLogin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tenant   string
		active   bool
		prov     sso.Provisioning
		code     sso.Code // "" = logged in
		verified map[string][]string
	}{
		{"provisioned user logs in and is created (existing-only)", "acme", true, sso.ExistingOnly, "", nil},
		{"deprovisioned user is refused even with JIT", "acme", false, sso.JIT, sso.CodeNotAllowed, nil},
		{"a user provisioned for another tenant is refused", "globex", true, sso.ExistingOnly, sso.CodeNotAllowed, nil},
		{"a provisioned user under an unverified domain is not matched by email", "acme", true, sso.ExistingOnly, sso.CodeDomainNotVerified, map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := scim.NewMemoryStore()
			err := st.Create(t.Context(), tc.tenant, &scim.Resource{Type: scim.UserType, ID: "scim-ann",
				Attrs: map[string]any{"userName": "ann@acme.example", "active": tc.active, "displayName": "Ann Provisioned"}})
			if err != nil {
				t.Fatal(err)
			}
			c := oidcConn("okta", sso.KindOkta)
			c.Provisioning = tc.prov
			e := newEnv(t, envOptions{
				tenants:  []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
				cfg:      func(c *sso.Config) { c.Provisioned = sso.SCIMUsers{Store: st} },
				verified: tc.verified,
			})
			resp, body := e.login("/sso/acme/login")
			if tc.code != "" {
				wantError(t, resp, body, tc.code)
				return
			}
			res := e.wantLoggedIn(resp, body)
			if !res.Created || res.ProvisionedID != "scim-ann" || res.User.Email != "ann@acme.example" || res.User.Tenant != "acme" {
				t.Fatalf("result %+v provisioned %q", res.User, res.ProvisionedID)
			}
			// The second login finds the linked user, not the SCIM record.
			res2 := e.wantLoggedIn(e.login("/sso/acme/login"))
			if res2.Created || res2.User.ID != res.User.ID {
				t.Fatalf("second login %+v created %v", res2.User, res2.Created)
			}
		})
	}
}
