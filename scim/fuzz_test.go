package scim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

var filterSeeds = []string{
	`userName eq "bjensen"`,
	`name.familyName co "O'Malley"`,
	`userName sw "J"`,
	`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"`,
	`title pr`,
	`meta.lastModified gt "2011-05-13T04:42:34Z"`,
	`title pr and userType eq "Employee"`,
	`title pr or userType eq "Intern"`,
	`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`,
	`userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`,
	`userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")`,
	`emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]`,
	`emails[type eq "work"].value eq "x@y.z"`,
	`members[value eq "2819c223"]`,
	`x gt -1.5e3 and y eq null and z eq true`,
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	user := sampleUser()
	flat := user.withFlatView()
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		again, err := ParseFilter(flt.String())
		if err != nil {
			t.Fatalf("rendering %q as %q does not parse: %v", s, flt.String(), err)
		}
		if again.String() != flt.String() {
			t.Fatalf("round trip changed %q into %q", flt.String(), again.String())
		}
		for _, typ := range []string{UserType, GroupType} {
			if m, err := NewMatcher(flt, typ); err == nil && m(user) != m(&flat) {
				t.Fatalf("%q: the stored (flat) view answers %v, the map %v", s, m(&flat), m(user))
			}
		}
	})
}

var patchSeeds = []string{
	ops(`{"op":"replace","value":{"active":false}}`),
	ops(`{"op":"Replace","path":"active","value":"False"}`),
	ops(`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a@b.c"},{"op":"Replace","path":"name.familyName","value":"F"}`),
	ops(`{"op":"Add","path":"members","value":[{"$ref":null,"value":"m1"},{"value":"m2"}]}`),
	ops(`{"op":"Remove","path":"members","value":[{"$ref":null,"value":"m1"}]}`),
	ops(`{"op":"remove","path":"members[value eq \"m2\"]"}`),
	ops(`{"op":"replace","value":{"id":"x","displayName":"D","name.givenName":"G"}}`),
	ops(`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m"}`),
	ops(`{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"d"}}}`),
	ops(`{"op":"remove","path":"emails[type eq \"work\"].primary"}`),
}

func FuzzPatch(f *testing.F) {
	for _, s := range patchSeeds {
		f.Add([]byte(s))
	}
	users, groups := builtinTypes()
	group := &Resource{Type: GroupType, ID: "g", Attrs: map[string]any{"displayName": "G",
		"members": []any{map[string]any{"value": "m1"}}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		patchOps, err := ParsePatch(body)
		if err != nil {
			return
		}
		for _, target := range []struct {
			rs  *resourceSchema
			res *Resource
		}{{users, sampleUser()}, {groups, group}} {
			r := target.res.Clone()
			if err := applyPatch(&compiler{rs: target.rs}, r, patchOps); err != nil {
				continue
			}
			if _, err := json.Marshal(r.Attrs); err != nil {
				t.Fatalf("patched resource does not encode: %v", err)
			}
			if err := target.rs.validate(r.Attrs); err != nil {
				t.Fatalf("patch succeeded but left an invalid resource: %v", err)
			}
		}
	})
}

// FuzzCreateUser posts arbitrary bodies through the whole handler: the
// answer is a 201 or a 4xx SCIM error, never a panic or a 5xx.
func FuzzCreateUser(f *testing.F) {
	f.Add([]byte(`{"userName":"a","emails":[{"value":"a@b.c","primary":"True"}],"active":"False"}`))
	f.Add([]byte(`{"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m"}}`))
	f.Add([]byte(`{"userName":{"x":1},"name":"flat"}`))
	f.Add([]byte(`{"displayName":"g","members":[{"value":"nope"}]}`))
	tokens := NewTokenSet()
	tokens.Add("acme", HashToken(acmeToken))
	h, err := New(Config{Authenticator: tokens, BaseURL: "http://sp.example/scim/v2"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/Users", "/Groups"} {
			rec := call(h, http.MethodPost, path, acmeToken, string(body))
			if rec.Code >= 500 || rec.Code != http.StatusCreated && !strings.Contains(rec.Body.String(), ErrorSchema) {
				t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}
