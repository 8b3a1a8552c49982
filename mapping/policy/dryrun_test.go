package policy

import (
	"reflect"
	"testing"
)

func TestDryRun(t *testing.T) {
	p := mustCompile(t, seedAud, seedScope, "SAML.Role = 'Admin'")
	docs := Documents{
		IDToken: map[string]any{
			"aud": seedClientID, "email": "ann@example.com",
			"address":                   map[string]any{"country": "NZ", "geo": map[string]any{"lat": 1.5}},
			"https://example.com/roles": []any{"a<b"},
			"empty":                     map[string]any{},
		},
		AccessToken: map[string]any{"scp": []any{"openid", "profile"}},
		SAML:        map[string][]string{"Role": {"Staff"}},
	}
	rep := p.DryRun(docs)
	want := []Claim{
		{"IDTOKEN", "IDTOKEN.address.country", `"NZ"`},
		{"IDTOKEN", "IDTOKEN.address.geo.lat", `1.5`},
		{"IDTOKEN", "IDTOKEN.aud", `"9b6xxxxxxxxxxxxxxxx651"`},
		{"IDTOKEN", "IDTOKEN.email", `"ann@example.com"`},
		{"IDTOKEN", "IDTOKEN.empty", `{}`},
		{"IDTOKEN", "IDTOKEN['https://example.com/roles']", `["a<b"]`},
		{"ACCESSTOKEN", "ACCESSTOKEN.scp", `["openid","profile"]`},
		{"SAML", "SAML.Role", `["Staff"]`},
	}
	if !reflect.DeepEqual(rep.Claims, want) {
		t.Errorf("Claims =\n%q\nwant\n%q", rep.Claims, want)
	}
	if rep.Truncated {
		t.Error("Truncated set for a small document")
	}
	r := rep.Result
	if r.Passed || len(r.Expressions) != 3 || !r.Expressions[0].Passed || r.Expressions[1].Passed || r.Expressions[2].Passed {
		t.Fatalf("Result = %+v", r)
	}
	if r.Expressions[1].Reason != "expression is false" {
		t.Errorf("Reason = %q", r.Expressions[1].Reason)
	}
}

// Every reference the dry run shows can be pasted into an expression and
// reads the value shown.
func TestDryRunReferencesCompile(t *testing.T) {
	docs := semanticsDocs()
	for _, c := range mustCompile(t).DryRun(docs).Claims {
		expr := "cel: true"
		if c.Value != "null" {
			expr = c.Ref + " = " + c.Ref
		}
		r := mustCompile(t, expr).Evaluate(docs)
		if !r.Passed {
			t.Errorf("%s: %+v", expr, r.Expressions[0])
		}
	}
}

func TestDryRunTruncates(t *testing.T) {
	big := map[string]any{}
	for i := 0; i < maxDryRunClaims+5; i++ {
		big[string(rune('a'+i%26))+string(rune(0x4e00+i))] = i
	}
	rep := mustCompile(t).DryRun(Documents{IDToken: big})
	if !rep.Truncated || len(rep.Claims) != maxDryRunClaims {
		t.Fatalf("Truncated = %v, %d claims", rep.Truncated, len(rep.Claims))
	}
}
