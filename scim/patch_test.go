package scim

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// patchUser applies a PatchOp body to sampleUser and returns its attributes.
func patchUser(t *testing.T, body string) (map[string]any, error) {
	t.Helper()
	ops, err := ParsePatch([]byte(body))
	if err != nil {
		return nil, err
	}
	users, _ := builtinTypes()
	r := sampleUser().Clone()
	if err := applyPatch(&compiler{rs: users}, r, ops); err != nil {
		return nil, err
	}
	return r.Attrs, nil
}

// ops wraps operations in a PatchOp body.
func ops(operations string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + operations + `]}`
}

// jsonOf decodes a JSON literal for comparisons.
func jsonOf(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return v
}

func TestPatchOperations(t *testing.T) {
	cases := []struct {
		name, ops, attr, want string
	}{
		{"replace with capitalised op", `{"op":"Replace","path":"displayName","value":"Babs"}`, "displayName", `"Babs"`},
		{"path-less replace of active (Okta)", `{"op":"replace","value":{"active":false}}`, "active", `false`},
		{"string boolean False (Entra)", `{"op":"Replace","path":"active","value":"False"}`, "active", `false`},
		{"string boolean True in a path-less value", `{"op":"replace","value":{"active":"True"}}`, "active", `true`},
		{"path-less value keyed by a dotted path", `{"op":"replace","value":{"name.givenName":"Babs"}}`, "name",
			`{"givenName":"Babs","familyName":"Jensen"}`},
		{"replace of a complex attribute merges", `{"op":"replace","path":"name","value":{"givenName":"B"}}`, "name",
			`{"givenName":"B","familyName":"Jensen"}`},
		{"add to a multi-valued attribute appends", `{"op":"add","path":"emails","value":[{"value":"x@y.z","type":"other"}]}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.example.org","type":"home"},{"value":"x@y.z","type":"other"}]`},
		{"add of an existing value is a no-op", `{"op":"add","path":"emails","value":[{"value":"babs@home.example.org","type":"home"}]}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.example.org","type":"home"}]`},
		{"new primary clears the old one", `{"op":"add","path":"emails","value":[{"value":"n@y.z","primary":true}]}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":false},{"value":"babs@home.example.org","type":"home"},{"value":"n@y.z","primary":true}]`},
		{"replace of a multi-valued attribute replaces all", `{"op":"replace","path":"emails","value":[{"value":"only@y.z"}]}`, "emails",
			`[{"value":"only@y.z"}]`},
		{"replace through a value filter", `{"op":"replace","path":"emails[type eq \"home\"].value","value":"new@home.org"}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"new@home.org","type":"home"}]`},
		{"replace through a filter that matches nothing creates the value", `{"op":"replace","path":"emails[type eq \"other\"].value","value":"o@x.y"}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.example.org","type":"home"},{"type":"other","value":"o@x.y"}]`},
		{"remove through a value filter", `{"op":"remove","path":"emails[type eq \"home\"]"}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true}]`},
		{"remove a sub-attribute through a value filter", `{"op":"remove","path":"emails[type eq \"work\"].primary"}`, "emails",
			`[{"value":"bjensen@example.com","type":"work"},{"value":"babs@home.example.org","type":"home"}]`},
		{"remove a sub-attribute", `{"op":"remove","path":"name.givenName"}`, "name", `{"familyName":"Jensen"}`},
		{"remove the last value removes the attribute", `{"op":"remove","path":"emails[value co \"example\"]"}`, "emails", `null`},
		{"extension attribute by full path", `{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"}`,
			EnterpriseUserSchema, `{"employeeNumber":"701984","manager":{"value":"26118915"},"department":"Sales"}`},
		{"extension object in a path-less value", `{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"4130"}}}`,
			EnterpriseUserSchema, `{"employeeNumber":"701984","manager":{"value":"26118915"},"costCenter":"4130"}`},
		{"manager given as a bare id", `{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-2"}`,
			EnterpriseUserSchema, `{"employeeNumber":"701984","manager":{"value":"m-2"}}`},
		{"remove manager", `{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}`,
			EnterpriseUserSchema, `{"employeeNumber":"701984"}`},
		{"a password is never stored", `{"op":"replace","path":"password","value":"hunter2"}`, "password", `null`},
		{"read-only id in a path-less value is ignored (Okta)", `{"op":"replace","value":{"id":"other","displayName":"D"}}`, "displayName", `"D"`},
		{"unknown keys in a path-less value are ignored", `{"op":"replace","value":{"urn:example:custom:2.0:User:badge":"7","shoeSize":"9","title":"T"}}`, "title", `"T"`},
		{"replace a whole element through a filter", `{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"w@x.y","type":"work"}}`, "emails",
			`[{"value":"w@x.y","type":"work"},{"value":"babs@home.example.org","type":"home"}]`},
		{"add to an element through a filter merges", `{"op":"add","path":"emails[type eq \"home\"]","value":{"display":"Home"}}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.example.org","type":"home","display":"Home"}]`},
		{"sub-attribute of every element", `{"op":"replace","path":"emails.type","value":"other"}`, "emails",
			`[{"value":"bjensen@example.com","type":"other","primary":true},{"value":"babs@home.example.org","type":"other"}]`},
		{"remove a sub-attribute of every element", `{"op":"remove","path":"emails.type"}`, "emails",
			`[{"value":"bjensen@example.com","primary":true},{"value":"babs@home.example.org"}]`},
		{"set a sub-attribute of an absent complex attribute", `{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"},
			{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"m9"}`,
			EnterpriseUserSchema, `{"employeeNumber":"701984","manager":{"value":"m9"}}`},
		{"adding an empty list keeps the values", `{"op":"add","path":"emails","value":[]}`, "emails",
			`[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.example.org","type":"home"}]`},
		{"replacing with an empty list clears the values", `{"op":"replace","path":"emails","value":[]}`, "emails", `null`},
		{"attribute names ignore case", `{"op":"replace","path":"DISPLAYNAME","value":"Upper"}`, "displayName", `"Upper"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			attrs, err := patchUser(t, ops(c.ops))
			if err != nil {
				t.Fatalf("patch: %v", err)
			}
			got := attrs[c.attr]
			want := jsonOf(t, c.want)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Errorf("%s = %s, want %s", c.attr, g, c.want)
			}
		})
	}
}

func TestPatchRejects(t *testing.T) {
	cases := []struct {
		name, body string
		want       error
	}{
		{"not JSON", `{"Operations":`, ErrInvalidSyntax},
		{"missing PatchOp schema", `{"schemas":[],"Operations":[{"op":"add","path":"title","value":"x"}]}`, ErrInvalidSyntax},
		{"no operations", ops(``), ErrInvalidSyntax},
		{"unknown op", ops(`{"op":"merge","path":"title","value":"x"}`), ErrInvalidSyntax},
		{"remove without path", ops(`{"op":"remove"}`), ErrNoTarget},
		{"add without value", ops(`{"op":"add","path":"title"}`), ErrInvalidValue},
		{"replace with null", ops(`{"op":"replace","path":"displayName","value":null}`), ErrInvalidValue},
		{"path-less add with a scalar", ops(`{"op":"add","value":"x"}`), ErrInvalidValue},
		{"malformed path", ops(`{"op":"add","path":"emails[type eq","value":"x"}`), ErrInvalidPath},
		{"unknown attribute", ops(`{"op":"add","path":"nosuch","value":"x"}`), ErrInvalidPath},
		{"explicit path to id", ops(`{"op":"replace","path":"id","value":"x"}`), ErrMutability},
		{"explicit path to meta", ops(`{"op":"replace","path":"meta.created","value":"x"}`), ErrMutability},
		{"boolean that is not one", ops(`{"op":"replace","path":"active","value":"maybe"}`), ErrInvalidValue},
		{"string attribute given an object", ops(`{"op":"replace","path":"displayName","value":{"a":1}}`), ErrInvalidValue},
		{"removing the required userName", ops(`{"op":"remove","path":"userName"}`), ErrInvalidValue},
		{"filter on a single-valued attribute", ops(`{"op":"remove","path":"userName[value eq \"x\"]"}`), ErrInvalidPath},
		{"explicit path to a read-only sub-attribute", ops(`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"x"}`), ErrMutability},
		{"element filter with a scalar value", ops(`{"op":"replace","path":"emails[type eq \"work\"]","value":"x"}`), ErrInvalidValue},
		{"filter that cannot create a value", ops(`{"op":"replace","path":"emails[value co \"zz\"].type","value":"x"}`), ErrNoTarget},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := patchUser(t, c.body)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestParsePathForms(t *testing.T) {
	cases := map[string]string{
		`members`:                      `members`,
		`name.familyName`:              `name.familyName`,
		`members[value eq "2819c223"]`: `members[value eq "2819c223"]`,
		`emails[type eq "work"].value`: `emails[type eq "work"].value`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`:         `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`,
	}
	for in, want := range cases {
		p, err := ParsePath(in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", in, err)
			continue
		}
		if p.String() != want {
			t.Errorf("ParsePath(%q) = %s, want %s", in, p, want)
		}
	}
	for _, bad := range []string{``, `[`, `members[`, `members[value eq "x"]x`, `name.given.name`, `members[value eq "x"].`} {
		if _, err := ParsePath(bad); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ParsePath(%q) = %v, want ErrInvalidPath", bad, err)
		}
	}
}
