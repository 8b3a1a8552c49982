package mapping_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

// torqueCatalog is a host with four spaces and three space roles.
func torqueCatalog(t testing.TB) *mapping.Catalog {
	t.Helper()
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", "DevOps", "QA", "Prod"},
		Roles:       []string{"Space Member", "Space Developer", "Space Admin"},
		DefaultRole: "Space Member",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func compile(t testing.TB, r mapping.Rules) *mapping.Mapper {
	t.Helper()
	m, err := mapping.Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// spaceClaims builds an ID token with an email and the given space claims;
// a nil value leaves the claim out.
func spaceClaims(names, roles any) mapping.Claims {
	c := map[string]any{"email": "ann@example.com", "name": "Ann"}
	if names != nil {
		c["space_name"] = names
	}
	if roles != nil {
		c["space_role"] = roles
	}
	return mapping.Claims{IDToken: c}
}

func a(space, role string) mapping.Assignment { return mapping.Assignment{Space: space, Role: role} }

// spaceSteps returns the rendered steps about spaces and roles.
func spaceSteps(d mapping.Decision) []string {
	var out []string
	for _, s := range d.Steps {
		if str := s.String(); strings.Contains(str, "space") || strings.HasPrefix(str, "role") {
			out = append(out, str)
		}
	}
	return out
}

func TestTorqueRules(t *testing.T) {
	tests := []struct {
		name         string
		names, roles any
		want         []mapping.Assignment
		steps        []string
	}{
		{
			name:  "one space and one role",
			names: "DevOps", roles: "Space Developer",
			want:  []mapping.Assignment{a("DevOps", "Space Developer")},
			steps: []string{"space 'DevOps': role 'Space Developer' from position 1"},
		},
		{
			name:  "rule 1: one role for several spaces is reused in each",
			names: "Trial,DevOps,QA", roles: "Space Developer",
			want: []mapping.Assignment{a("Trial", "Space Developer"), a("DevOps", "Space Developer"), a("QA", "Space Developer")},
			steps: []string{
				"space 'Trial': role 'Space Developer', the only role given, reused",
				"space 'DevOps': role 'Space Developer', the only role given, reused",
				"space 'QA': role 'Space Developer', the only role given, reused",
			},
		},
		{
			name:  "rule 2: several roles for the same space keep the first valid one",
			names: "DevOps,DevOps,DevOps", roles: "Bogus,Space Admin,Space Developer",
			want: []mapping.Assignment{a("DevOps", "Space Admin")},
			steps: []string{
				"space 'DevOps' at position 1: role 'Bogus' ignored, keeps 'Space Admin'",
				"space 'DevOps': role 'Space Admin' from position 2",
				"space 'DevOps' at position 3: role 'Space Developer' ignored, keeps 'Space Admin'",
			},
		},
		{
			name:  "rule 3: an unknown role gives Space Member",
			names: "Trial", roles: "Admin ",
			want:  []mapping.Assignment{a("Trial", "Space Member")},
			steps: []string{"space 'Trial': role 'Admin ' unknown: Space Member"},
		},
		{
			name:  "rule 4: more spaces than roles gives the extras Space Member",
			names: "Trial,DevOps,QA", roles: "Space Admin,Space Developer",
			want: []mapping.Assignment{a("Trial", "Space Admin"), a("DevOps", "Space Developer"), a("QA", "Space Member")},
			steps: []string{
				"space 'Trial': role 'Space Admin' from position 1",
				"space 'DevOps': role 'Space Developer' from position 2",
				"space 'QA': no role at position 3: Space Member",
			},
		},
		{
			name:  "rule 5: more roles than spaces ignores the extra roles",
			names: "Trial", roles: "Space Admin,Space Developer,Space Member",
			want: []mapping.Assignment{a("Trial", "Space Admin")},
			steps: []string{
				"space 'Trial': role 'Space Admin' from position 1",
				"role 'Space Developer' at position 2 has no space: ignored",
				"role 'Space Member' at position 3 has no space: ignored",
			},
		},
		{
			name:  "rule 6: an unknown space is ignored with its role",
			names: "Trial2,DevOps", roles: "Space Admin,Space Developer",
			want: []mapping.Assignment{a("DevOps", "Space Developer")},
			steps: []string{
				"space 'Trial2' unknown: ignored",
				"space 'DevOps': role 'Space Developer' from position 2",
			},
		},
		{
			name:  "names match case-insensitively with blanks trimmed, host spelling kept",
			names: " devops , TRIAL", roles: "space developer ,  SPACE ADMIN",
			want: []mapping.Assignment{a("DevOps", "Space Developer"), a("Trial", "Space Admin")},
		},
		{
			name:  "Torque's example: member of Trial, developer of DevOps",
			names: "Trial,DevOps", roles: "Space Member,Space Developer",
			want: []mapping.Assignment{a("Trial", "Space Member"), a("DevOps", "Space Developer")},
		},
		{
			name: "all rules combined",
			// positions:  1      2       3      4       5   6
			names: "Trial, Trial2, DevOps, devops, QA ,Prod",
			roles: "Admin , Space Admin, Bogus, Space Developer, Space Admin",
			want: []mapping.Assignment{
				a("Trial", "Space Member"),     // rule 3
				a("DevOps", "Space Developer"), // rule 2: first valid of Bogus, Space Developer
				a("QA", "Space Admin"),         // pairs with position 5
				a("Prod", "Space Member"),      // rule 4
			},
			steps: []string{
				"space 'Trial': role 'Admin ' unknown: Space Member",
				"space ' Trial2' unknown: ignored",
				"space 'DevOps' at position 3: role ' Bogus' ignored, keeps 'Space Developer'",
				"space 'DevOps': role 'Space Developer' from position 4",
				"space 'QA': role 'Space Admin' from position 5",
				"space 'Prod': no role at position 6: Space Member",
			},
		},
		{
			name:  "all roles of a repeated space unknown gives Space Member",
			names: "QA,QA", roles: "x,y",
			want: []mapping.Assignment{a("QA", "Space Member")},
			steps: []string{
				"space 'QA': role 'x' unknown: Space Member",
				"space 'QA' at position 2: role 'y' ignored, keeps 'Space Member'",
			},
		},
		{
			name:  "spaces without any role claim get Space Member",
			names: "Trial,QA", roles: nil,
			want: []mapping.Assignment{a("Trial", "Space Member"), a("QA", "Space Member")},
		},
		{
			name:  "roles without a space claim are all ignored",
			names: nil, roles: "Space Admin",
			want:  nil,
			steps: []string{"role 'Space Admin' at position 1 has no space: ignored"},
		},
		{
			name:  "empty items keep positions",
			names: "Trial,,QA", roles: "Space Admin,Space Developer,Space Developer",
			want: []mapping.Assignment{a("Trial", "Space Admin"), a("QA", "Space Developer")},
			steps: []string{
				"space 'Trial': role 'Space Admin' from position 1",
				"space at position 2 is empty: ignored",
				"space 'QA': role 'Space Developer' from position 3",
			},
		},
		{
			name:  "SAML-style multi-valued claims are split and concatenated",
			names: []any{"Trial", "DevOps,QA"}, roles: []any{"Space Admin,Space Developer", "Space Member"},
			want: []mapping.Assignment{a("Trial", "Space Admin"), a("DevOps", "Space Developer"), a("QA", "Space Member")},
		},
	}
	m := compile(t, mapping.Rules{})
	cat := torqueCatalog(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := m.Map(spaceClaims(tc.names, tc.roles), cat)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Spaces, tc.want) {
				t.Errorf("spaces = %v, want %v", d.Spaces, tc.want)
			}
			if tc.steps != nil && !slices.Equal(spaceSteps(d), tc.steps) {
				t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(spaceSteps(d), "\n"), strings.Join(tc.steps, "\n"))
			}
		})
	}
}

func TestSpacesClaimsAbsent(t *testing.T) {
	m := compile(t, mapping.Rules{})
	d, err := m.Map(spaceClaims(nil, nil), torqueCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.SpacesSent || d.Spaces != nil {
		t.Errorf("SpacesSent = %v, Spaces = %v; want false, nil", d.SpacesSent, d.Spaces)
	}
	want := "no space claims 'space_name' and 'space_role': no spaces"
	if got := spaceSteps(d); !slices.Equal(got, []string{want}) {
		t.Errorf("steps = %q, want %q", got, want)
	}
}

func TestSpacesConfigurableClaims(t *testing.T) {
	m := compile(t, mapping.Rules{SpaceName: "saml:torque/spaces", SpaceRole: "saml:torque/roles"})
	c := mapping.Claims{
		IDToken: map[string]any{"space_name": "Trial", "space_role": "Space Admin"},
		SAML: map[string][]string{
			"email": {"ann@example.com"}, "name": {"Ann"},
			"torque/spaces": {"QA"}, "torque/roles": {"Space Developer"},
		},
	}
	d, err := m.Map(c, torqueCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := []mapping.Assignment{a("QA", "Space Developer")}; !slices.Equal(d.Spaces, want) {
		t.Errorf("spaces = %v, want %v (the configured SAML attributes, not the ID token's defaults)", d.Spaces, want)
	}
}

func TestSpacesWithoutCatalog(t *testing.T) {
	m := compile(t, mapping.Rules{})
	d, err := m.Map(spaceClaims("Trial", "Space Admin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Spaces) != 0 || !d.SpacesSent {
		t.Errorf("with no catalog every space is unknown: got %v, sent %v", d.Spaces, d.SpacesSent)
	}
}

func TestSpacesErrors(t *testing.T) {
	m := compile(t, mapping.Rules{})
	cat := torqueCatalog(t)
	tests := []struct {
		name         string
		names, roles any
		want         error
	}{
		{"space claim of the wrong type", 42.0, "Space Admin", mapping.ErrClaimType},
		{"role claim of the wrong type", "Trial", map[string]any{"x": "y"}, mapping.ErrClaimType},
		{"role list holding a number", "Trial", []any{"Space Admin", 1.0}, mapping.ErrClaimType},
		{"too many spaces", strings.Repeat("Trial,", mapping.MaxSpaces), nil, mapping.ErrTooManyValues},
		{"too many roles", "Trial", strings.Repeat("x,", mapping.MaxSpaces), mapping.ErrTooManyValues},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Map(spaceClaims(tc.names, tc.roles), cat)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ce *mapping.ClaimError
			if !errors.As(err, &ce) || !strings.HasPrefix(ce.Path, "space_") {
				t.Errorf("err = %#v, want a *ClaimError naming the space claim", err)
			}
		})
	}
}

func TestSpacesAtLimitAccepted(t *testing.T) {
	m := compile(t, mapping.Rules{})
	names := strings.TrimSuffix(strings.Repeat("Trial,", mapping.MaxSpaces), ",")
	d, err := m.Map(spaceClaims(names, "Space Admin"), torqueCatalog(t))
	if err != nil {
		t.Fatalf("%d items should be accepted: %v", mapping.MaxSpaces, err)
	}
	if want := []mapping.Assignment{a("Trial", "Space Admin")}; !slices.Equal(d.Spaces, want) {
		t.Errorf("spaces = %v, want %v", d.Spaces, want)
	}
}
