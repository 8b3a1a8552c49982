package mapping_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

func mustPath(t testing.TB, s string) mapping.Path {
	t.Helper()
	p, err := mapping.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeJSON(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// reinferClaims are an ID token and access token shaped like Keycloak's,
// with Re:infer's two documented group claim locations.
func reinferClaims(t testing.TB) mapping.Claims {
	return mapping.Claims{
		IDToken: decodeJSON(t, `{
			"sub": "u1", "email": "ann@example.com", "preferred_username": "ann",
			"roles": ["reinfer-admins", "reinfer-users"],
			"nested": {"team/unit": "ops", "count": 3}
		}`),
		AccessToken: decodeJSON(t, `{
			"resource_access": {
				"reinfer.io": {"roles": ["labeller"]},
				"account": {"roles": ["view-profile"]}
			},
			"roles": ["from-access-token"]
		}`),
		UserInfo: decodeJSON(t, `{"email": "userinfo@example.com", "locale": "en", "groups": ["ui-group"]}`),
		SAML: map[string][]string{
			"http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": {"g1", "g2"},
			"email":  {"saml@example.com"},
			"locale": {"fr"},
		},
	}
}

func TestClaimsStrings(t *testing.T) {
	c := reinferClaims(t)
	tests := []struct {
		name, path string
		want       []string
	}{
		{"Re:infer id_token / roles", "id_token:roles", []string{"reinfer-admins", "reinfer-users"}},
		{"Re:infer access_token / resource_access / reinfer.io / roles", "access_token:resource_access/reinfer.io/roles", []string{"labeller"}},
		{"access token read when selected", "access_token:roles", []string{"from-access-token"}},
		{"unselected path prefers the ID token", "roles", []string{"reinfer-admins", "reinfer-users"}},
		{"unselected path falls back to userinfo", "groups", []string{"ui-group"}},
		{"ID token before userinfo", "email", []string{"ann@example.com"}},
		{"userinfo before SAML", "locale", []string{"en"}},
		{"SAML attribute with a URI name", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", []string{"g1", "g2"}},
		{"SAML selected", "saml:email", []string{"saml@example.com"}},
		{"userinfo selected", "userinfo:email", []string{"userinfo@example.com"}},
		{"escaped slash in a key", "id_token:nested/team~1unit", []string{"ops"}},
		{"single string is a list of one", "preferred_username", []string{"ann"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Strings(mustPath(t, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClaimsStringsErrors(t *testing.T) {
	c := reinferClaims(t)
	c.IDToken["null"] = nil
	c.IDToken["mixed"] = []any{"a", true}
	c.IDToken["big"] = make([]any, mapping.MaxValues+1)
	c.IDToken["bigs"] = make([]string, mapping.MaxValues+1)
	c.IDToken["num"] = json.Number("12")
	c.IDToken["chan"] = make(chan int)
	c.SAML["huge"] = make([]string, mapping.MaxValues+1)
	tests := []struct {
		name, path string
		want       error
		got        string
	}{
		{"missing claim", "nope", mapping.ErrMissingClaim, ""},
		{"null counts as missing", "null", mapping.ErrMissingClaim, ""},
		{"access token is not searched without selector", "resource_access/reinfer.io/roles", mapping.ErrMissingClaim, ""},
		{"missing nested key", "access_token:resource_access/other/roles", mapping.ErrMissingClaim, ""},
		{"number", "id_token:nested/count", mapping.ErrClaimType, "a number"},
		{"json.Number", "num", mapping.ErrClaimType, "a number"},
		{"a Go value JSON never holds", "chan", mapping.ErrClaimType, "an unsupported value"},
		{"object", "access_token:resource_access", mapping.ErrClaimType, "an object"},
		{"path through a string", "email/x", mapping.ErrClaimType, "a string"},
		{"path through a list", "id_token:roles/x", mapping.ErrClaimType, "a list"},
		{"list holding a boolean", "mixed", mapping.ErrClaimType, "a list holding a boolean"},
		{"too many JSON values", "big", mapping.ErrTooManyValues, ""},
		{"too many values in a []string", "bigs", mapping.ErrTooManyValues, ""},
		{"too many SAML values", "saml:huge", mapping.ErrTooManyValues, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Strings(mustPath(t, tc.path))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ce *mapping.ClaimError
			if !errors.As(err, &ce) || ce.Path != tc.path {
				t.Fatalf("err = %#v, want *ClaimError for %q", err, tc.path)
			}
			if !strings.Contains(ce.Got, tc.got) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Got = %q, message %q", ce.Got, err)
			}
		})
	}
}

func TestClaimsString(t *testing.T) {
	c := reinferClaims(t)
	c.IDToken["one"] = []any{"only"}
	c.IDToken["empty"] = []any{}
	tests := []struct {
		name, path, want string
		err              error
	}{
		{"plain string", "preferred_username", "ann", nil},
		{"list of exactly one", "one", "only", nil},
		{"SAML single value", "saml:email", "saml@example.com", nil},
		{"list of two is the wrong type", "roles", "", mapping.ErrClaimType},
		{"SAML with two values is the wrong type", "saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "", mapping.ErrClaimType},
		{"empty list is missing", "empty", "", mapping.ErrMissingClaim},
		{"missing", "nope", "", mapping.ErrMissingClaim},
		{"object", "nested", "", mapping.ErrClaimType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.String(mustPath(t, tc.path))
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestClaimsZeroPathAndNilDocuments(t *testing.T) {
	var c mapping.Claims
	if _, err := c.Strings(mapping.Path{}); !errors.Is(err, mapping.ErrMissingClaim) {
		t.Errorf("zero path: %v", err)
	}
	if _, err := c.Strings(mustPath(t, "id_token:a/b")); !errors.Is(err, mapping.ErrMissingClaim) {
		t.Errorf("nil documents: %v", err)
	}
}

func TestClaimsStringsCopies(t *testing.T) {
	c := reinferClaims(t)
	got, _ := c.Strings(mustPath(t, "saml:email"))
	got[0] = "changed"
	if c.SAML["email"][0] != "saml@example.com" {
		t.Error("Strings returned the document's own slice")
	}
}
