package policy

import (
	"os"
	"strings"
	"testing"
)

// The example expressions of the WhenToWork document ("Test Expressions"),
// copied exactly as the document prints them, typographic quotes included.
const (
	seedAud      = "IDTOKEN.aud = ‘9b6xxxxxxxxxxxxxxxx651’"
	seedEmail    = "IDTOKEN.email = ACCESSTOKEN.sub"
	seedScope    = "match(ACCESSTOKEN.scp,/”w2w”/i)"
	seedParens   = "(ACCESSTOKEN.appname = ‘SSO-V1’) or (ACCESSTOKEN.appname = ‘SSO-V2’)"
	seedAmong    = "among(ACCESSTOKEN.appname,’SSO-V1|SSO-V2′)"
	seedClientID = "9b6xxxxxxxxxxxxxxxx651"
)

// oktaDocs is an Okta-shaped login: aud a string in the ID token, scp a list
// in the access token, sub the email.
func oktaDocs() Documents {
	return Documents{
		IDToken: map[string]any{
			"iss": "https://example.okta.com", "aud": seedClientID,
			"email": "ann@example.com", "email_verified": true,
		},
		AccessToken: map[string]any{
			"sub": "ann@example.com", "scp": []any{"openid", "w2w"},
			"appname": "SSO-V1", "groups": []any{"Staff", "Managers"},
		},
	}
}

// with returns a copy of d with one claim of one document set (or deleted
// when v is nil).
func with(d Documents, doc, claim string, v any) Documents {
	cp := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, x := range m {
			out[k] = x
		}
		return out
	}
	d.IDToken, d.AccessToken = cp(d.IDToken), cp(d.AccessToken)
	m := d.IDToken
	if doc == "at" {
		m = d.AccessToken
	}
	if v == nil {
		delete(m, claim)
	} else {
		m[claim] = v
	}
	return d
}

func mustCompile(t testing.TB, exprs ...string) *Policy {
	t.Helper()
	p, err := Compile(exprs, Options{})
	if err != nil {
		t.Fatalf("Compile(%q): %v", exprs, err)
	}
	return p
}

func TestSeedExamples(t *testing.T) {
	base := oktaDocs()
	tests := []struct {
		name string
		expr string
		docs Documents
		want bool
	}{
		{"aud equal to the client id passes", seedAud, base, true},
		{"aud list containing the client id passes", seedAud, with(base, "id", "aud", []any{"other", seedClientID}), true},
		{"aud of another client is rejected", seedAud, with(base, "id", "aud", "another-client"), false},
		{"aud list without the client id is rejected", seedAud, with(base, "id", "aud", []any{"a", "b"}), false},
		{"aud differing in case is rejected", seedAud, with(base, "id", "aud", "9B6XXXXXXXXXXXXXXXX651"), false},
		{"matching email and sub pass", seedEmail, base, true},
		{"different email and sub are rejected", seedEmail, with(base, "at", "sub", "eve@example.com"), false},
		{"email differing in case from sub is rejected", seedEmail, with(base, "at", "sub", "Ann@Example.com"), false},
		{"scope list containing w2w passes", seedScope, base, true},
		{"scope W2W in upper case passes with the i flag", seedScope, with(base, "at", "scp", []any{"openid", "W2W"}), true},
		{"scope list without w2w is rejected", seedScope, with(base, "at", "scp", []any{"openid", "profile"}), false},
		{"scope w2w-admin is not scope w2w", seedScope, with(base, "at", "scp", []any{"openid", "w2w-admin"}), false},
		{"appname SSO-V1 passes the parenthesised or", seedParens, base, true},
		{"appname SSO-V2 passes the parenthesised or", seedParens, with(base, "at", "appname", "SSO-V2"), true},
		{"appname SSO-V3 fails the parenthesised or", seedParens, with(base, "at", "appname", "SSO-V3"), false},
		{"appname sso-v1 in lower case fails the parenthesised or", seedParens, with(base, "at", "appname", "sso-v1"), false},
		{"appname SSO-V1 is among the alternatives", seedAmong, base, true},
		{"appname SSO-V2 is among the alternatives", seedAmong, with(base, "at", "appname", "SSO-V2"), true},
		{"appname SSO-V3 is not among the alternatives", seedAmong, with(base, "at", "appname", "SSO-V3"), false},
		{"appname SSO-V1|SSO-V2 itself is not among the alternatives", seedAmong, with(base, "at", "appname", "SSO-V1|SSO-V2"), false},
		{"appname sso-v2 in lower case is not among the alternatives", seedAmong, with(base, "at", "appname", "sso-v2"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCompile(t, tc.expr).Evaluate(tc.docs)
			if r.Passed != tc.want {
				t.Fatalf("%s: Passed = %v, want %v (%+v)", tc.expr, r.Passed, tc.want, r.Expressions)
			}
			if !tc.want && r.Expressions[0].Reason == "" {
				t.Fatal("a failed expression has no reason")
			}
		})
	}
}

// The document says the parenthesised "or" "could also be written as" the
// among() call: both must agree on every value.
func TestSeedAmongEquivalentToOr(t *testing.T) {
	p := mustCompile(t, seedParens, seedAmong)
	for _, v := range []any{"SSO-V1", "SSO-V2", "SSO-V3", "sso-v1", "", []any{"x", "SSO-V2"}, []any{"x"}, 1.0} {
		r := p.Evaluate(with(oktaDocs(), "at", "appname", v))
		if r.Expressions[0].Passed != r.Expressions[1].Passed {
			t.Errorf("appname %v: or gives %v, among gives %v", v, r.Expressions[0].Passed, r.Expressions[1].Passed)
		}
	}
}

// All expressions must pass: one failing expression fails the login and the
// result names it.
func TestSeedAllExpressionsMustPass(t *testing.T) {
	p := mustCompile(t, seedAud, seedEmail, seedScope, seedParens, seedAmong)
	if r := p.Evaluate(oktaDocs()); !r.Passed || r.Err() != nil {
		t.Fatalf("Okta login should pass: %+v", r)
	}
	r := p.Evaluate(with(oktaDocs(), "at", "sub", "eve@example.com"))
	failed := r.Failed()
	if r.Passed || len(failed) != 1 || failed[0].Index != 1 || failed[0].Source != seedEmail {
		t.Fatalf("want only expression 1 failed, got %+v", r)
	}
	if failed[0].Reason != "expression is false" {
		t.Errorf("Reason = %q", failed[0].Reason)
	}
}

// The constants above are the document's lines verbatim: each is a whole
// line of the "Test Expressions" section, kept in testdata.
func TestSeedConstantsAreVerbatim(t *testing.T) {
	raw, err := os.ReadFile("testdata/whentowork_test_expressions.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		lines[l] = true
	}
	for _, e := range []string{seedAud, seedEmail, seedScope, seedParens, seedAmong} {
		if !lines[e] {
			t.Errorf("%q is not a line of the document", e)
		}
	}
}
