package mapping_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		name string
		in   string
		doc  mapping.Document
		segs []string
		text string // canonical form; "" means same as in
	}{
		{"top-level claim", "groups", mapping.DocAny, []string{"groups"}, ""},
		{"Re:infer id_token / roles", "id_token:roles", mapping.DocIDToken, []string{"roles"}, ""},
		{"Re:infer access_token / resource_access / reinfer.io", "access_token:resource_access/reinfer.io", mapping.DocAccessToken, []string{"resource_access", "reinfer.io"}, ""},
		{"dotted key needs no escape", "resource_access/reinfer.io/roles", mapping.DocAny, []string{"resource_access", "reinfer.io", "roles"}, ""},
		{"escaped slash", "claims/team~1unit", mapping.DocAny, []string{"claims", "team/unit"}, ""},
		{"escaped tilde", "a~0b", mapping.DocAny, []string{"a~b"}, ""},
		{"escapes ~01 read left to right", "a~01", mapping.DocAny, []string{"a~1"}, ""},
		{"userinfo selector", "userinfo:email", mapping.DocUserInfo, []string{"email"}, ""},
		{"saml selector with a URI name", "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", mapping.DocSAML,
			[]string{"http:", "", "schemas.microsoft.com", "ws", "2008", "06", "identity", "claims", "groups"}, ""},
		{"unknown prefix is part of the name", "urn:oid:0.9.2342.19200300.100.1.3", mapping.DocAny, []string{"urn:oid:0.9.2342.19200300.100.1.3"}, ""},
		{"selector is case-sensitive", "ID_TOKEN:roles", mapping.DocAny, []string{"ID_TOKEN:roles"}, ""},
		{"colon inside a later segment", "a/id_token:b", mapping.DocAny, []string{"a", "id_token:b"}, ""},
		{"selector then colon", "userinfo:saml:x", mapping.DocUserInfo, []string{"saml:x"}, ""},
		{"unicode key", "gruppen/zugehörigkeit", mapping.DocAny, []string{"gruppen", "zugehörigkeit"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := mapping.ParsePath(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Document() != tc.doc || !slices.Equal(p.Segments(), tc.segs) {
				t.Errorf("got %v %q, want %v %q", p.Document(), p.Segments(), tc.doc, tc.segs)
			}
			want := tc.text
			if want == "" {
				want = tc.in
			}
			if p.String() != want {
				t.Errorf("String() = %q, want %q", p.String(), want)
			}
			q, err := mapping.ParsePath(p.String())
			if err != nil || !q.Equal(p) {
				t.Errorf("round trip of %q: %v, %v", p, q, err)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		reason string
	}{
		{"empty", "", 0, "empty"},
		{"selector only", "id_token:", 9, "nothing after"},
		{"leading slash", "/groups", 0, "starts with '/'"},
		{"leading slash after selector", "saml:/x", 5, "starts with '/'"},
		{"trailing slash", "groups/", 6, "ends with '/'"},
		{"bare tilde", "a~", 1, "'~'"},
		{"bad escape", "a/b~2c", 3, "'~'"},
		{"too long", strings.Repeat("a", mapping.MaxPathLen+1), mapping.MaxPathLen, "longer"},
		{"too many segments", strings.Repeat("a/", mapping.MaxPathSegments) + "a", 0, "segments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mapping.ParsePath(tc.in)
			if !errors.Is(err, mapping.ErrInvalidPath) {
				t.Fatalf("err = %v, want ErrInvalidPath", err)
			}
			var pe *mapping.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T, want *PathError", err)
			}
			if pe.Offset != tc.offset || !strings.Contains(pe.Reason, tc.reason) || pe.Path != tc.in {
				t.Errorf("got offset %d reason %q path %q; want %d, %q", pe.Offset, pe.Reason, pe.Path, tc.offset, tc.reason)
			}
			if !strings.Contains(err.Error(), "invalid claim path") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestPathLimitsAccepted(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", mapping.MaxPathLen),
		strings.Repeat("a/", mapping.MaxPathSegments-1) + "a",
	} {
		if _, err := mapping.ParsePath(s); err != nil {
			t.Errorf("path at the limit refused: %v", err)
		}
	}
}

func TestNewPath(t *testing.T) {
	p, err := mapping.NewPath(mapping.DocAccessToken, "resource_access", "reinfer.io", "a/b~c")
	if err != nil {
		t.Fatal(err)
	}
	if want := "access_token:resource_access/reinfer.io/a~1b~0c"; p.String() != want {
		t.Errorf("String() = %q, want %q", p, want)
	}
	segs := p.Segments()
	segs[0] = "changed"
	if p.Segments()[0] != "resource_access" {
		t.Error("Segments returned the path's own slice")
	}
	bad := []struct {
		name string
		doc  mapping.Document
		segs []string
	}{
		{"no segments", mapping.DocAny, nil},
		{"unknown document", mapping.Document(9), []string{"x"}},
		{"too many segments", mapping.DocAny, make([]string, mapping.MaxPathSegments+1)},
		{"too long", mapping.DocAny, []string{strings.Repeat("/", mapping.MaxPathLen)}},
		{"first segment reads as a selector", mapping.DocAny, []string{"saml:x"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mapping.NewPath(tc.doc, tc.segs...); !errors.Is(err, mapping.ErrInvalidPath) {
				t.Errorf("err = %v, want ErrInvalidPath", err)
			}
		})
	}
	if !(mapping.Path{}).IsZero() || p.IsZero() {
		t.Error("IsZero wrong")
	}
}

func TestDocumentString(t *testing.T) {
	for d, want := range map[mapping.Document]string{
		mapping.DocAny: "", mapping.DocIDToken: "id_token", mapping.DocAccessToken: "access_token",
		mapping.DocUserInfo: "userinfo", mapping.DocSAML: "saml", mapping.Document(7): "document(7)",
	} {
		if got := d.String(); got != want {
			t.Errorf("Document(%d).String() = %q, want %q", d, got, want)
		}
	}
}
