package mapping_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ssokit/ssokit/mapping"
)

// A Torque-style SAML login: spaces and roles as comma-separated
// attributes, groups as Entra object ids.
func Example() {
	m, err := mapping.Compile(mapping.Rules{
		Groups: "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
	})
	if err != nil {
		panic(err)
	}
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", "DevOps"},
		Roles:       []string{"Space Member", "Space Developer"},
		DefaultRole: "Space Member",
		Groups:      []mapping.Group{{ID: "ops", IdPID: "6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"}},
	})
	if err != nil {
		panic(err)
	}
	d, err := m.Map(mapping.Claims{SAML: map[string][]string{
		"email":      {"Ann.Lee@Example.com"},
		"name":       {"Ann Lee"},
		"timezone":   {"Europe/Berlin"},
		"space_name": {"Trial, DevOps, Trial2"},
		"space_role": {"Admin ,Space Developer,Space Developer"},
		"http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": {"6F1C7E2A-5B0D-4B8E-9C3A-2D4E5F607182"},
	}}, cat)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Email, d.Name, d.Timezone, d.Spaces, d.Groups)
	fmt.Println(d.Explain())
	// Output:
	// ann.lee@example.com Ann Lee Europe/Berlin [{Trial Space Member} {DevOps Space Developer}] [ops]
	// email 'ann.lee@example.com' from claim 'email'
	// name 'Ann Lee' from claim 'name'
	// timezone 'Europe/Berlin' from claim 'timezone'
	// space 'Trial': role 'Admin ' unknown: Space Member
	// space 'DevOps': role 'Space Developer' from position 2
	// space ' Trial2' unknown: ignored
	// group '6F1C7E2A-5B0D-4B8E-9C3A-2D4E5F607182': host group 'ops'
}

// Re:infer-style permissions from a group claim in the access token, and
// Contiamo's claimMapping and emailPattern.
func ExampleCompile() {
	m, err := mapping.Compile(mapping.Rules{
		Email:        "preferred_username",
		EmailPattern: `^.*@contiamo.com$`,
		Groups:       "access_token:resource_access/reinfer.io/roles",
		Permissions: []mapping.PermissionRule{
			{Group: "reinfer-admins", Permissions: []string{"admin", "read"}},
			{Group: "reinfer-users", Permissions: []string{"read"}},
		},
	})
	if err != nil {
		panic(err)
	}
	var idToken, accessToken map[string]any
	json.Unmarshal([]byte(`{"preferred_username": "Ann@Contiamo.com", "name": "Ann"}`), &idToken)
	json.Unmarshal([]byte(`{"resource_access": {"reinfer.io": {"roles": ["reinfer-admins", "reinfer-users"]}}}`), &accessToken)
	d, err := m.Map(mapping.Claims{IDToken: idToken, AccessToken: accessToken}, nil)
	fmt.Println(d.Email, d.Permissions, err)

	_, err = m.Map(mapping.Claims{IDToken: map[string]any{"preferred_username": "ann@example.com"}}, nil)
	fmt.Println(errors.Is(err, mapping.ErrEmailPattern))
	// Output:
	// ann@contiamo.com [admin read] <nil>
	// true
}

func ExampleMapper_Map() {
	m, _ := mapping.Compile(mapping.Rules{Email: "preferred_username"})
	_, err := m.Map(mapping.Claims{IDToken: map[string]any{"preferred_username": "ann", "name": "Ann"}}, nil)
	var ee *mapping.EmailError
	if errors.As(err, &ee) {
		fmt.Println("claim:", ee.Claim)
	}
	fmt.Println(err)
	// Output:
	// claim: preferred_username
	// mapping: claim "preferred_username" is not an email address: no '@'
}

func ExampleParsePath() {
	for _, s := range []string{
		"id_token:roles",
		"access_token:resource_access/reinfer.io/roles",
		"claims/team~1unit",
		"saml:http://schemas.xmlsoap.org/claims/Group",
	} {
		p, err := mapping.ParsePath(s)
		fmt.Printf("%q %q %v\n", p.Document(), p.Segments(), err)
	}
	_, err := mapping.ParsePath("groups/")
	fmt.Println(err)
	// Output:
	// "id_token" ["roles"] <nil>
	// "access_token" ["resource_access" "reinfer.io" "roles"] <nil>
	// "" ["claims" "team/unit"] <nil>
	// "saml" ["http:" "" "schemas.xmlsoap.org" "claims" "Group"] <nil>
	// mapping: invalid claim path "groups/" at byte 6: ends with '/'
}

func ExampleNewPath() {
	p, _ := mapping.NewPath(mapping.DocAccessToken, "resource_access", "my/app", "roles")
	fmt.Println(p)
	// Output: access_token:resource_access/my~1app/roles
}

func ExampleClaims_Strings() {
	c := mapping.Claims{IDToken: map[string]any{"roles": []any{"a", "b"}, "age": 42.0}}
	rolesPath, _ := mapping.ParsePath("roles")
	agePath, _ := mapping.ParsePath("age")
	emailPath, _ := mapping.ParsePath("email")
	roles, _ := c.Strings(rolesPath)
	fmt.Println(roles)
	_, err := c.Strings(agePath)
	fmt.Println(err, errors.Is(err, mapping.ErrClaimType))
	_, err = c.String(emailPath)
	fmt.Println(err, errors.Is(err, mapping.ErrMissingClaim))
	// Output:
	// [a b]
	// mapping: claim "age" is a number, want a string or a list of strings true
	// mapping: claim "email" is missing true
}

func ExampleNewCatalog() {
	cat, _ := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces: []string{"DevOps"}, Roles: []string{"Space Member"}, DefaultRole: "space member",
	})
	fmt.Println(cat.Space("  devops "))
	fmt.Println(cat.DefaultRole())
	_, err := mapping.NewCatalog(mapping.CatalogConfig{Spaces: []string{"A", "a"}})
	fmt.Println(err)
	// Output:
	// DevOps true
	// Space Member
	// mapping: Spaces[1]: same name as "A" once case and blanks are ignored
	// mapping: DefaultRole: required when Spaces is set
}

func ExampleNormalizeEmail() {
	fmt.Println(mapping.NormalizeEmail("  Ann@Example.COM "))
	fmt.Println(mapping.NormalizeEmail("Ann <ann@example.com>"))
	// Output:
	// ann@example.com <nil>
	//  mapping: not an email address: character ' ' not allowed in the local part
}

func ExampleDecision_Explain() {
	d := mapping.Decision{Steps: []mapping.Step{
		{Kind: mapping.StepSpaceRole, Space: "DevOps", Output: "Space Developer", Pos: 2},
		{Kind: mapping.StepSpaceUnknown, Input: "Trial2", Pos: 3},
	}}
	fmt.Println(d.Explain())
	// Output:
	// space 'DevOps': role 'Space Developer' from position 2
	// space 'Trial2' unknown: ignored
}

// List shows an administrator what arrived, with paths ready to paste
// into the rules.
func ExampleClaims_List() {
	var at map[string]any
	json.Unmarshal([]byte(`{"resource_access": {"reinfer.io": {"roles": ["labeller"]}}, "exp": 1700000000}`), &at)
	c := mapping.Claims{
		AccessToken: at,
		SAML:        map[string][]string{"http://schemas.xmlsoap.org/claims/Group": {"g1", "g2"}},
	}
	for _, e := range c.List() {
		fmt.Println(e.Path, e.JSON)
	}
	// Output:
	// access_token:exp 1700000000
	// access_token:resource_access/reinfer.io/roles ["labeller"]
	// saml:http://schemas.xmlsoap.org/claims/Group ["g1","g2"]
}
