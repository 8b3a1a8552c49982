package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

// ruleErrors returns the fields of every RuleError joined in err.
func ruleErrors(t *testing.T, err error) []string {
	t.Helper()
	if !errors.Is(err, mapping.ErrInvalidRules) {
		t.Fatalf("err = %v, want ErrInvalidRules", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("err = %T, want errors joined", err)
	}
	var fields []string
	for _, e := range joined.Unwrap() {
		var re *mapping.RuleError
		if !errors.As(e, &re) {
			t.Fatalf("%v is not a *RuleError", e)
		}
		fields = append(fields, re.Field)
	}
	return fields
}

func TestCompileReportsEveryProblem(t *testing.T) {
	_, err := mapping.Compile(mapping.Rules{
		Email:        "/email",
		Groups:       "a~2",
		EmailPattern: "^(.*@contiamo.com$",
		Permissions: []mapping.PermissionRule{
			{Group: " ", Permissions: []string{"x"}},
			{Group: "admins", Permissions: nil},
			{Group: "Users", Permissions: []string{"read", " "}},
			{Group: "users ", Permissions: []string{"write"}},
		},
	})
	got := strings.Join(ruleErrors(t, err), ",")
	want := "Email,Groups,EmailPattern,Permissions[0].Group,Permissions[1].Permissions,Permissions[2].Permissions[1],Permissions[3].Group"
	if got != want {
		t.Errorf("fields = %s\nwant     %s", got, want)
	}
	if !errors.Is(err, mapping.ErrInvalidPath) {
		t.Error("path problems should also match ErrInvalidPath")
	}
	for _, w := range []string{"Email: invalid claim path", "already has a rule", "invalid regular expression"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%v", w, err)
		}
	}
}

func TestCompilePatternTooLong(t *testing.T) {
	_, err := mapping.Compile(mapping.Rules{EmailPattern: strings.Repeat("a", mapping.MaxPatternLen+1)})
	if f := ruleErrors(t, err); len(f) != 1 || f[0] != "EmailPattern" {
		t.Errorf("fields = %v", f)
	}
}

func TestNewCatalogReportsEveryProblem(t *testing.T) {
	_, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces:      []string{"Trial", " trial ", ""},
		Roles:       []string{"Space Member", "SPACE MEMBER"},
		DefaultRole: "Owner",
		Groups:      []mapping.Group{{ID: " ", IdPID: "x"}},
	})
	got := strings.Join(ruleErrors(t, err), ",")
	if want := "Spaces[1],Spaces[2],Roles[1],DefaultRole,Groups[0].ID"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
	if !strings.Contains(err.Error(), `same name as "Trial"`) {
		t.Errorf("message: %v", err)
	}
}

func TestNewCatalogNeedsDefaultRoleForSpaces(t *testing.T) {
	_, err := mapping.NewCatalog(mapping.CatalogConfig{Spaces: []string{"Trial"}, Roles: []string{"Space Member"}})
	if f := ruleErrors(t, err); len(f) != 1 || f[0] != "DefaultRole" {
		t.Errorf("fields = %v", f)
	}
	if _, err := mapping.NewCatalog(mapping.CatalogConfig{}); err != nil {
		t.Errorf("an empty catalog is valid: %v", err)
	}
}

func TestCatalogLookups(t *testing.T) {
	cat := torqueCatalog(t)
	long := strings.Repeat("x", 200)
	tests := []struct {
		name, in, want string
		ok             bool
		lookup         func(string) (string, bool)
	}{
		{"space, other case and blanks", "  devops\t", "DevOps", true, cat.Space},
		{"role", "SPACE ADMIN", "Space Admin", true, cat.Role},
		{"unknown", "Trial2", "", false, cat.Space},
		{"longer than the stack buffer", long, "", false, cat.Space},
		{"non-ASCII", "DEVÖPS", "", false, cat.Space},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.lookup(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if cat.DefaultRole() != "Space Member" {
		t.Errorf("DefaultRole = %q", cat.DefaultRole())
	}
	var none *mapping.Catalog
	if _, ok := none.Space("Trial"); ok || none.DefaultRole() != "" {
		t.Error("a nil catalog knows nothing")
	}
	if _, ok := none.Role("Space Member"); ok {
		t.Error("a nil catalog knows no role")
	}
}

func TestCatalogNonASCIIAndLongNames(t *testing.T) {
	long := strings.Repeat("Ab", 100)
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{Spaces: []string{"Zürich", long}, Roles: []string{"Member"}, DefaultRole: "member"})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"ZÜRICH": "Zürich", " zürich ": "Zürich", strings.ToUpper(long): long} {
		if got, ok := cat.Space(in); !ok || got != want {
			t.Errorf("Space(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if cat.DefaultRole() != "Member" {
		t.Errorf("DefaultRole keeps the Roles spelling, got %q", cat.DefaultRole())
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&mapping.ClaimError{Path: "email", Err: mapping.ErrMissingClaim}, `mapping: claim "email" is missing`},
		{&mapping.ClaimError{Path: "groups", Got: "a number", Want: "a string or a list of strings", Err: mapping.ErrClaimType},
			`mapping: claim "groups" is a number, want a string or a list of strings`},
		{&mapping.ClaimError{Path: "groups", Got: "5000 values", Err: mapping.ErrTooManyValues}, `mapping: claim "groups" has too many values: 5000 values`},
		{&mapping.PathError{Path: strings.Repeat("p", 300), Offset: 3, Reason: "bad"}, `mapping: invalid claim path "` + strings.Repeat("p", 200) + `..." at byte 3: bad`},
		{&mapping.RuleError{Field: "DefaultRole", Reason: "not one of Roles"}, "mapping: DefaultRole: not one of Roles"},
		{&mapping.EmailError{Claim: "upn", Value: "x", Reason: "no '@'"}, `mapping: claim "upn" is not an email address: no '@'`},
		{&mapping.EmailError{Reason: "empty"}, "mapping: not an email address: empty"},
		{&mapping.PatternError{Email: "a@b.co", Pattern: "^x$"}, `mapping: email does not match the email pattern "^x$"`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestNamesLongerThanMaxNameLenAreRefused(t *testing.T) {
	long := strings.Repeat("n", mapping.MaxNameLen+1)
	_, err := mapping.NewCatalog(mapping.CatalogConfig{
		Spaces: []string{long}, Roles: []string{"r"}, DefaultRole: "r",
		Groups: []mapping.Group{{ID: "g", IdPID: long}},
	})
	if got := strings.Join(ruleErrors(t, err), ","); got != "Spaces[0],Groups[0].IdPID" {
		t.Errorf("catalog fields = %s", got)
	}
	_, err = mapping.Compile(mapping.Rules{Permissions: []mapping.PermissionRule{{Group: long, Permissions: []string{"p"}}}})
	if got := strings.Join(ruleErrors(t, err), ","); got != "Permissions[0].Group" {
		t.Errorf("rules fields = %s", got)
	}
	ok := strings.Repeat("n", mapping.MaxNameLen)
	if _, err := mapping.NewCatalog(mapping.CatalogConfig{Spaces: []string{ok}, Roles: []string{"r"}, DefaultRole: "r"}); err != nil {
		t.Errorf("a name of exactly MaxNameLen bytes is refused: %v", err)
	}
}

func TestLongClaimValuesMatchNothing(t *testing.T) {
	at := strings.Repeat("G", mapping.MaxNameLen)
	cat, err := mapping.NewCatalog(mapping.CatalogConfig{Groups: []mapping.Group{{ID: "max", IdPID: at}}})
	if err != nil {
		t.Fatal(err)
	}
	m := compile(t, mapping.Rules{})
	d, err := m.Map(groupClaims([]any{at, at + "g", strings.Repeat("x", 1<<20)}), cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Groups) != 1 || d.Groups[0] != "max" {
		t.Errorf("groups = %q, want only the group at the length limit", d.Groups)
	}
}

func TestNormalizeEmailHugeInput(t *testing.T) {
	_, err := mapping.NormalizeEmail(strings.Repeat("A", 1<<20) + "@example.com")
	var ee *mapping.EmailError
	if !errors.As(err, &ee) || len(ee.Value) > 254 {
		t.Fatalf("err = %v", err)
	}
}

func TestMapperNotFromCompile(t *testing.T) {
	c := mapping.Claims{IDToken: map[string]any{"email": "a@b.co", "name": "A", "timezone": "UTC"}}
	for name, m := range map[string]*mapping.Mapper{"nil": nil, "zero": {}} {
		if _, err := m.Map(c, nil); !errors.Is(err, mapping.ErrInvalidRules) {
			t.Errorf("%s Mapper: err = %v, want ErrInvalidRules", name, err)
		}
	}
}
