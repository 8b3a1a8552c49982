package ssokit_test

import (
	"fmt"

	"github.com/ssokit/ssokit/mapping"
)

// Every login ends in the mapping engine: the claims an identity provider
// sent become the host's spaces, roles and groups, with the reason for each.
func Example() {
	rules, _ := mapping.Compile(mapping.Rules{})
	catalog, _ := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", "DevOps"},
		Roles:       []string{"Space Member", "Space Developer"},
		DefaultRole: "Space Member",
	})
	d, err := rules.Map(mapping.Claims{IDToken: map[string]any{
		"email":      "ann@example.com",
		"name":       "Ann",
		"space_name": "Trial,DevOps",
		"space_role": "Space Developer",
	}}, catalog)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Spaces)
	// Output: [{Trial Space Developer} {DevOps Space Developer}]
}
