package mapping_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

func TestClaimsList(t *testing.T) {
	c := reinferClaims(t)
	c.SAML["a~b/c"] = []string{"x"}
	c.SAML["/leading"] = []string{"y"}
	c.IDToken["empty"] = map[string]any{}
	c.IDToken[""] = "no path names an empty top-level key"
	c.IDToken["trailing"] = map[string]any{"": "nor an empty last key"}
	c.SAML[""] = []string{"nor an empty attribute name"}
	got := c.List()
	want := []mapping.Entry{
		{"access_token:resource_access/account/roles", `["view-profile"]`},
		{"access_token:resource_access/reinfer.io/roles", `["labeller"]`},
		{"access_token:roles", `["from-access-token"]`},
		{"id_token:email", `"ann@example.com"`},
		{"id_token:empty", `{}`},
		{"id_token:nested/count", `3`},
		{"id_token:nested/team~1unit", `"ops"`},
		{"id_token:preferred_username", `"ann"`},
		{"id_token:roles", `["reinfer-admins","reinfer-users"]`},
		{"id_token:sub", `"u1"`},
		{"saml:a~0b/c", `["x"]`},
		{"saml:email", `["saml@example.com"]`},
		{"saml:http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", `["g1","g2"]`},
		{"saml:locale", `["fr"]`},
		{"saml:~1leading", `["y"]`},
		{"userinfo:email", `"userinfo@example.com"`},
		{"userinfo:groups", `["ui-group"]`},
		{"userinfo:locale", `"en"`},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%v\nwant:\n%v", got, want)
	}
	// Every listed path reads back the listed value.
	for _, e := range got {
		p, err := mapping.ParsePath(e.Path)
		if err != nil {
			t.Errorf("listed path %q does not parse: %v", e.Path, err)
			continue
		}
		if _, err := c.Strings(p); err != nil && e.JSON != "3" && e.JSON != "{}" {
			t.Errorf("listed path %q does not read back: %v", e.Path, err)
		}
	}
}

func TestClaimsListLimits(t *testing.T) {
	deep := map[string]any{"leaf": "v"}
	for range mapping.MaxPathSegments + 5 {
		deep = map[string]any{"d": deep}
	}
	big := map[string]any{}
	for i := range mapping.MaxListed + 10 {
		big[strings.Repeat("k", i%50)+string(rune('a'+i%26))+string(rune('a'+i/26%26))] = i
	}
	c := mapping.Claims{IDToken: deep, UserInfo: big, SAML: map[string][]string{"s": {"1"}}, AccessToken: map[string]any{"ch": make(chan int)}}
	got := c.List()
	if again := c.List(); !slices.Equal(got, again) {
		t.Error("two calls listed different entries")
	}
	if len(got) != mapping.MaxListed {
		t.Fatalf("%d entries, want the %d limit", len(got), mapping.MaxListed)
	}
	var deepest mapping.Entry
	sawChan := false
	for _, e := range got {
		if strings.HasPrefix(e.Path, "id_token:") {
			deepest = e
		}
		if e.Path == "access_token:ch" {
			sawChan = true
			if !strings.Contains(e.JSON, "not JSON") {
				t.Errorf("unencodable value listed as %q", e.JSON)
			}
		}
		if strings.HasPrefix(e.Path, "saml:") {
			t.Errorf("SAML is walked last and should have been cut: %v", e)
		}
	}
	if !sawChan {
		t.Error("the access token, walked before userinfo, was cut")
	}
	p, err := mapping.ParsePath(deepest.Path)
	if err != nil || len(p.Segments()) != mapping.MaxPathSegments || !strings.HasPrefix(deepest.JSON, `{"d":`) {
		t.Errorf("deep object listed as %q = %q (%v)", deepest.Path, deepest.JSON, err)
	}
}
