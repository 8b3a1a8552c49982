package scim

import (
	"errors"
	"testing"
	"time"
)

func TestParseFilterRendersGrouping(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"equality", `userName eq "bjensen"`, `userName eq "bjensen"`},
		{"operators ignore case", `userName EQ "x" AND active Eq true`, `(userName eq "x" and active eq true)`},
		{"and binds tighter than or", `a pr or b pr and c pr`, `(a pr or (b pr and c pr))`},
		{"parentheses override precedence", `(a pr or b pr) and c pr`, `((a pr or b pr) and c pr)`},
		{"not", `not (title pr)`, `not (title pr)`},
		{"value path", `emails[type eq "work" and value co "@example.com"]`, `emails[(type eq "work" and value co "@example.com")]`},
		{"schema URN prefix", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"`,
			`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"`},
		{"sub-attribute", `name.familyName sw "J"`, `name.familyName sw "J"`},
		{"value path with sub-attribute comparison", `emails[type eq "work"].value eq "a@b.c"`,
			`emails[(type eq "work" and value eq "a@b.c")]`},
		{"numbers and null", `x gt 1.5 or y eq null`, `(x gt 1.5 or y eq null)`},
		{"escaped string", `userName eq "a\"b\\c"`, `userName eq "a\"b\\c"`},
		{"meta dates", `meta.lastModified gt "2011-05-13T04:42:34Z"`, `meta.lastModified gt "2011-05-13T04:42:34Z"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFilter(c.in)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", c.in, err)
			}
			if got := f.String(); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseFilterRejectsMalformed(t *testing.T) {
	cases := map[string]string{
		"empty":                  ``,
		"missing value":          `userName eq`,
		"unknown operator":       `userName like "x"`,
		"unterminated string":    `userName eq "x`,
		"unbalanced parenthesis": `(userName eq "x"`,
		"not without group":      `not userName eq "x"`,
		"nested value path":      `emails[type[value pr]]`,
		"trailing input":         `userName eq "x" "y"`,
		"bare word value":        `userName eq bjensen`,
		"bad attribute":          `1abc eq "x"`,
		"dangling and":           `a pr and`,
		"deep nesting":           deepNest(100),
		"bad character":          `userName eq "x" ; drop`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFilter(in)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrInvalidFilter) {
				t.Fatalf("ParseFilter(%q) = %v, want a SyntaxError wrapping ErrInvalidFilter", in, err)
			}
		})
	}
}

func deepNest(n int) string {
	s := `a pr`
	for range n {
		s = "(" + s + ")"
	}
	return s
}

func TestParseFilterBoundsLength(t *testing.T) {
	long := `userName eq "` + string(make([]byte, MaxFilterLength)) + `"`
	if _, err := ParseFilter(long); !errors.Is(err, ErrInvalidFilter) {
		t.Fatalf("oversized filter: got %v", err)
	}
}

// sampleUser is a stored User used by the evaluator tests.
func sampleUser() *Resource {
	return &Resource{Type: UserType, ID: "2819c223", Version: 3,
		Created:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		LastModified: time.Date(2026, 2, 2, 3, 4, 5, 0, time.UTC),
		Attrs: map[string]any{
			"userName":   "BJensen@Example.com",
			"externalId": "Abc-1",
			"active":     true,
			"name":       map[string]any{"givenName": "Barbara", "familyName": "Jensen"},
			"emails": []any{
				map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true},
				map[string]any{"value": "babs@home.example.org", "type": "home"},
			},
			"title":       "",
			"displayName": "Zoë Ångström",
			EnterpriseUserSchema: map[string]any{"employeeNumber": "701984",
				"manager": map[string]any{"value": "26118915"}},
		}}
}

func TestMatcherEvaluatesRFCOperators(t *testing.T) {
	cases := []struct {
		filter string
		want   bool
	}{
		{`userName eq "bjensen@example.com"`, true},
		{`USERNAME EQ "BJENSEN@EXAMPLE.COM"`, true},
		{`userName ne "bjensen@example.com"`, false},
		{`userName co "jensen@"`, true},
		{`userName sw "bje"`, true},
		{`userName ew ".COM"`, true},
		{`userName gt "a"`, true},
		{`userName lt "a"`, false},
		{`externalId eq "abc-1"`, false},
		{`externalId eq "Abc-1"`, true},
		{`id eq "2819c223"`, true},
		{`active eq true`, true},
		{`active eq false`, false},
		{`title pr`, false},
		{`nickName pr`, false},
		{`nickName ne "x"`, true},
		{`nickName eq null`, true},
		{`name.givenName eq "barbara"`, true},
		{`emails co "home.example"`, true},
		{`emails.value ew "example.org"`, true},
		{`emails.type eq "work"`, true},
		{`emails[type eq "work" and value co "@example.com"]`, true},
		{`emails[type eq "home" and value co "@example.com"]`, false},
		{`emails[type eq "work" and primary eq true]`, true},
		{`emails[type eq "work"].value eq "BJENSEN@example.com"`, true},
		{`emails[type eq "home"].value eq "bjensen@example.com"`, false},
		{`not (emails[type eq "other"])`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"`, true},
		{`meta.lastModified gt "2026-01-31T00:00:00Z"`, true},
		{`meta.created ge "2026-01-02T03:04:06Z"`, false},
		{`meta.resourceType eq "User"`, true},
		{`userName eq "x" or name.familyName eq "jensen"`, true},
		{`displayName co "ÅNG"`, true},
		{`displayName co "ångx"`, false},
		{`displayName sw "zOË"`, true},
		{`displayName ew "STRÖM"`, true},
		{`displayName gt "zoe"`, true},
		{`meta.created lt "2026-01-02T03:04:06Z"`, true},
		{`meta.created le "2026-01-02T03:04:05Z"`, true},
		{`meta.created ne "2026-01-02T03:04:05Z"`, false},
		{`meta.created ne "2027-01-02T03:04:05Z"`, true},
		{`meta.version eq "W/\"3\""`, true},
		{`emails[type pr and not (display pr)]`, true},
		{`externalId co "bc"`, true},
		{`externalId co "BC"`, false},
		{`externalId sw "Abc"`, true},
		{`externalId ew "-1"`, true},
		{`externalId le "Abc-1"`, true},
		{`(userName eq "x" or title pr) and active eq true`, false},
	}
	r := sampleUser()
	flat := r.withFlatView()
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			f, err := ParseFilter(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewMatcher(f, UserType)
			if err != nil {
				t.Fatal(err)
			}
			if got := m(r); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if got := m(&flat); got != c.want {
				t.Errorf("flat view: got %v, want %v", got, c.want)
			}
		})
	}
}

func TestMatcherRejectsInvalidFilters(t *testing.T) {
	cases := map[string]string{
		"unknown attribute is rejected":       `nosuch eq "x"`,
		"password cannot be filtered":         `password eq "secret"`,
		"boolean compared with string":        `active eq "yes"`,
		"boolean ordered":                     `active gt true`,
		"string compared with number":         `userName eq 5`,
		"complex attribute without sub":       `name eq "x"`,
		"unknown sub-attribute in value path": `emails[nosuch eq "x"]`,
		"value path on a single attribute":    `userName[value eq "x"]`,
		"date that is not RFC 3339":           `meta.created gt "yesterday"`,
		"contains on null":                    `title co null`,
		"unknown extension attribute":         `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch pr`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := ParseFilter(in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := NewMatcher(f, UserType); !errors.Is(err, ErrInvalidFilter) {
				t.Fatalf("NewMatcher(%q) = %v, want ErrInvalidFilter", in, err)
			}
		})
	}
}

func TestCanonicalizeSpellsAttributesAsTheSchema(t *testing.T) {
	f, err := ParseFilter(`USERNAME eq "x" and EMAILS[TYPE eq "work"] and urn:ietf:params:scim:schemas:core:2.0:User:name.GIVENNAME pr`)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := Canonicalize(f, UserType)
	if err != nil {
		t.Fatal(err)
	}
	want := `((userName eq "x" and emails[type eq "work"]) and name.givenName pr)`
	if cf.String() != want {
		t.Errorf("got %s, want %s", cf, want)
	}
}
