package mapping_test

import (
	"encoding/json"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ssokit/ssokit/mapping"
)

// FuzzParsePath checks that any text either fails with ErrInvalidPath or
// gives a path that round-trips through String and NewPath and resolves
// in a document built from its own segments.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"groups", "id_token:roles", "access_token:resource_access/reinfer.io/roles",
		"resource_access/reinfer.io/roles", "a~1b/c~0d", "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
		"urn:oid:1.3.6.1.4.1.5923.1.5.1.1", "userinfo:saml:x", "", "/", "a//b", "~", "~2", "id_token:", "a/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := mapping.ParsePath(s)
		if err != nil {
			if p.IsZero() && strings.Contains(err.Error(), "invalid claim path") {
				return
			}
			t.Fatalf("ParsePath(%q): %v with path %v", s, err, p)
		}
		segs := p.Segments()
		if len(segs) == 0 || len(segs) > mapping.MaxPathSegments {
			t.Fatalf("ParsePath(%q) gave %d segments", s, len(segs))
		}
		q, err := mapping.ParsePath(p.String())
		if err != nil || !q.Equal(p) || q.Document() != p.Document() || !slices.Equal(q.Segments(), segs) {
			t.Fatalf("round trip of %q via %q: %v %q, %v", s, p, q.Document(), q.Segments(), err)
		}
		if n, err := mapping.NewPath(p.Document(), segs...); err != nil || !n.Equal(p) {
			t.Fatalf("NewPath(%v, %q) = %v, %v; want %v", p.Document(), segs, n, err, p)
		}
		got, err := claimsFor(p).Strings(p)
		if err != nil || !slices.Equal(got, []string{"found"}) {
			t.Fatalf("path %q does not resolve in its own document: %q, %v", p, got, err)
		}
	})
}

// claimsFor builds claims in which p resolves to "found".
func claimsFor(p mapping.Path) mapping.Claims {
	segs := p.Segments()
	if p.Document() == mapping.DocSAML {
		return mapping.Claims{SAML: map[string][]string{strings.Join(segs, "/"): {"found"}}}
	}
	var v any = "found"
	for i := len(segs) - 1; i >= 0; i-- {
		v = map[string]any{segs[i]: v}
	}
	doc := v.(map[string]any)
	switch p.Document() {
	case mapping.DocAccessToken:
		return mapping.Claims{AccessToken: doc}
	case mapping.DocUserInfo:
		return mapping.Claims{UserInfo: doc}
	}
	return mapping.Claims{IDToken: doc}
}

// FuzzSpaceRoles checks the space/role parser against a plain reference
// implementation of Torque's six rules, and that every position is
// explained.
func FuzzSpaceRoles(f *testing.F) {
	for _, s := range [][2]string{
		{"Trial,DevOps", "Space Member,Space Developer"},
		{"Trial,DevOps,QA", "Space Developer"},
		{"DevOps,DevOps", "Bogus,Space Admin"},
		{"Trial, Trial2, DevOps, devops, QA ,Prod", "Admin , Space Admin, Bogus, Space Developer, Space Admin"},
		{"", ""}, {",,,", "x,"}, {"Trial", ""}, {"", "Space Admin,Space Member"},
	} {
		f.Add(s[0], s[1])
	}
	m := compile(f, mapping.Rules{})
	cat := torqueCatalog(f)
	f.Fuzz(func(t *testing.T, names, roles string) {
		d, err := m.Map(spaceClaims(names, roles), cat)
		nSpaces, nRoles := strings.Count(names, ",")+1, strings.Count(roles, ",")+1
		if nSpaces+nRoles > 2*mapping.MaxSpaces && err != nil {
			return
		}
		if err != nil {
			t.Fatalf("Map(%q, %q): %v", names, roles, err)
		}
		if want := referenceSpaces(cat, names, roles); !slices.Equal(d.Spaces, want) {
			t.Fatalf("Map(%q, %q) = %v, reference %v", names, roles, d.Spaces, want)
		}
		spaceSteps := 0
		for _, s := range d.Steps {
			if s.Kind >= mapping.StepSpaceRole && s.Kind <= mapping.StepRoleExtra {
				spaceSteps++
			}
		}
		if want := max(nSpaces, nRoles); spaceSteps != want {
			t.Fatalf("Map(%q, %q): %d space steps, want one per position, %d:\n%s", names, roles, spaceSteps, want, d.Explain())
		}
		for _, s := range d.Steps {
			if str := s.String(); strings.Contains(str, "\n") || !utf8.ValidString(str) {
				t.Fatalf("step renders unsafely: %q", str)
			}
		}
	})
}

// referenceSpaces is Torque's rules written as plainly as possible.
func referenceSpaces(cat *mapping.Catalog, names, roles string) []mapping.Assignment {
	spaces, rs := strings.Split(names, ","), strings.Split(roles, ",")
	chosen := map[string]string{}
	var order []string
	for i, s := range spaces {
		space, ok := cat.Space(s)
		if !ok {
			continue // rule 6
		}
		if _, seen := chosen[space]; !seen {
			order = append(order, space)
			chosen[space] = ""
		}
		var role string
		switch {
		case len(rs) == 1:
			role = rs[0] // rule 1
		case i < len(rs):
			role = rs[i] // rule 5: roles past the last space are never read
		}
		if r, ok := cat.Role(role); ok && chosen[space] == "" {
			chosen[space] = r // rule 2: first valid
		}
	}
	var out []mapping.Assignment
	for _, s := range order {
		r := chosen[s]
		if r == "" {
			r = cat.DefaultRole() // rules 3 and 4
		}
		out = append(out, mapping.Assignment{Space: s, Role: r})
	}
	return out
}

// FuzzNormalizeEmail checks that an accepted address is normalised,
// stable, and a plain address to net/mail too.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"ann@example.com", " Ann@Example.COM ", "Ann <ann@example.com>", `"a b"@x.com`, "a@[1.2.3.4]",
		"jürgen@münchen.de", "a..b@x.com", "a@b", "a@b.c.", "a(b)@x.com", "a@x.com,b@y.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := mapping.NormalizeEmail(s)
		if err != nil {
			return
		}
		if e != strings.ToLower(strings.TrimSpace(s)) {
			t.Fatalf("NormalizeEmail(%q) = %q, not the trimmed lower-case input", s, e)
		}
		if again, err := mapping.NormalizeEmail(e); err != nil || again != e {
			t.Fatalf("not stable: %q -> %q, %v", e, again, err)
		}
		a, err := mail.ParseAddress(e)
		if err != nil || a.Name != "" || a.Address != e {
			t.Fatalf("accepted %q but net/mail says %v, %v", e, a, err)
		}
	})
}

// FuzzMapJSON maps arbitrary JSON claims and checks the decision's
// invariants: a valid email, known and unique spaces, sorted unique
// groups and permissions, and steps that render on one line. It also
// checks that every path Claims.List gives parses.
func FuzzMapJSON(f *testing.F) {
	for _, s := range []string{
		`{"email":"ann@example.com","name":"Ann","space_name":"Trial,DevOps","space_role":"Space Admin","groups":["reinfer-users","6f1c7e2a-5b0d-4b8e-9c3a-2d4e5f607182"],"timezone":"Europe/Berlin"}`,
		`{"email":"x","name":1}`,
		`{"email":["a@b.co"],"given_name":"A","family_name":null,"groups":"reinfer-admins"}`,
		`{"preferred_username":"a@b.co","_claim_names":{"groups":"src1"}}`,
		`{"email":"a@b.co","name":"A","resource_access":{"reinfer.io":{"roles":["labellers",{"x":1}]}}}`,
	} {
		f.Add([]byte(s))
	}
	m := compile(f, mapping.Rules{Permissions: reinferRules()})
	alt := compile(f, mapping.Rules{Email: "preferred_username", NameOptional: true, Groups: "access_token:resource_access/reinfer.io/roles", Permissions: reinferRules()})
	cat := torqueCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		c := mapping.Claims{IDToken: doc, AccessToken: doc, UserInfo: doc}
		for _, mp := range []*mapping.Mapper{m, alt} {
			d, err := mp.Map(c, cat)
			checkDecision(t, d, err)
		}
		for _, e := range c.List() {
			if _, err := mapping.ParsePath(e.Path); err != nil {
				t.Fatalf("listed path %q does not parse: %v", e.Path, err)
			}
		}
	})
}

func checkDecision(t *testing.T, d mapping.Decision, err error) {
	t.Helper()
	for _, s := range d.Steps {
		if str := s.String(); strings.ContainsAny(str, "\n\r") || !utf8.ValidString(str) {
			t.Fatalf("step renders unsafely: %q", str)
		}
	}
	if err != nil {
		if err.Error() == "" || d.Email != "" || d.Spaces != nil || d.Groups != nil || d.Permissions != nil {
			t.Fatalf("error %v with decision %+v", err, d)
		}
		return
	}
	if e, err := mapping.NormalizeEmail(d.Email); err != nil || e != d.Email {
		t.Fatalf("decided email %q is not normalised: %v", d.Email, err)
	}
	seen := map[string]bool{}
	for _, a := range d.Spaces {
		if seen[a.Space] || a.Role == "" {
			t.Fatalf("spaces %v: duplicate or empty role", d.Spaces)
		}
		seen[a.Space] = true
	}
	for _, l := range [][]string{d.Groups, d.Permissions} {
		if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
			t.Fatalf("list not sorted and unique: %q", l)
		}
	}
}
