// Command mapping shows what ssokit's mapping engine decides for one login,
// and why. It needs no identity provider and no network: the claims are the
// ones an Entra ID SAML application configured as in Torque's guide would
// send.
//
//	go run ./examples/mapping
package main

import (
	"fmt"
	"log"

	"github.com/ssokit/ssokit/mapping"
)

func main() {
	// The connection's rules: compiled once, when the connection is saved.
	rules, err := mapping.Compile(mapping.Rules{
		Groups: "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
		Permissions: []mapping.PermissionRule{
			{Group: "0a4c9f1e-3d2b-4c5a-8e7f-112233445566", Permissions: []string{"billing:read"}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The host's spaces, roles and IdP-linked groups: rebuilt when they change.
	catalog, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", "DevOps", "Production"},
		Roles:       []string{"Space Admin", "Space Member", "Space Developer"},
		DefaultRole: "Space Member",
		Groups: []mapping.Group{
			{ID: "platform-team", IdPID: "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"},
			{ID: "finance", IdPID: "0a4c9f1e-3d2b-4c5a-8e7f-112233445566"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	// What the identity provider sent for one user.
	attributes := map[string][]string{
		"email":      {" Ann.Lee@Example.com "},
		"name":       {"Ann Lee"},
		"timezone":   {"Europe/Berlin"},
		"space_name": {"Trial, DevOps, Trial2, Production"},
		"space_role": {"Admin ,Space Developer,Space Developer"},
		"http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": {
			"6F1C7E2A-5B0D-4B8E-9C3A-2D4E5F607182",
			"0a4c9f1e-3d2b-4c5a-8e7f-112233445566",
			"ffffffff-0000-0000-0000-000000000000",
		},
	}
	d, err := rules.Map(mapping.Claims{SAML: attributes}, catalog)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("email:       %s\nname:        %s\ntimezone:    %s\n", d.Email, d.Name, d.Timezone)
	for _, a := range d.Spaces {
		fmt.Printf("space:       %s as %s\n", a.Space, a.Role)
	}
	fmt.Printf("groups:      %v\npermissions: %v\n\nwhy:\n%s\n", d.Groups, d.Permissions, d.Explain())
}
