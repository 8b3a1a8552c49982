package policy

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/cel-go/common/types"
)

func semanticsDocs() Documents {
	return Documents{
		IDToken: map[string]any{
			"email": "Ann@Example.com", "aud": []any{"app-1", "app-2"},
			"email_verified": true, "age": 30.0,
			"address":                   map[string]any{"country": "NZ"},
			"https://example.com/roles": []any{"admin"},
			"groups":                    []any{"Staff", "Managers"},
			"nothing":                   nil,
			"allowed":                   "Owners|Staff",
		},
		AccessToken: map[string]any{"scp": "openid w2w", "roles": []any{"Managers", "Owners"}, "appname": "SSO-V1"},
		UserInfo:    map[string]any{"name": "Ann Example"},
		SAML:        map[string][]string{"urn:oid:0.9.2342.19200300.100.1.3": {"ann@example.com"}, "Role": {"Staff", "Admin"}},
	}
}

func TestSemantics(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want bool
	}{
		// case rules
		{"document names are case-insensitive", "idtoken.email = 'Ann@Example.com' and IdToken.email = 'Ann@Example.com'", true},
		{"function names are case-insensitive", "MATCH(IDTOKEN.email, /ann/i) and StringInString(IDTOKEN.email, 'ANN') and AMONG(ACCESSTOKEN.appname, 'SSO-V1')", true},
		{"keywords are case-insensitive", "NOT IDTOKEN.email = 'x' AND (IDTOKEN.email = 'x' OR IDTOKEN.email_verified)", true},
		{"= on a quoted literal is case-sensitive", "IDTOKEN.email = 'ann@example.com'", false},
		{"!= on a quoted literal is case-sensitive", "IDTOKEN.email != 'ann@example.com'", true},
		{"claim names are case-sensitive", "IDTOKEN.EMAIL = 'Ann@Example.com'", false},
		{"match with a regex is case-sensitive without i", "match(IDTOKEN.email, /ann@/)", false},
		{"match with a regex honours the i flag", "match(IDTOKEN.email, /^ann@example\\.com$/i)", true},
		{"match with a regex can say (?i) itself", "match(IDTOKEN.email, /(?i)ANN/)", true},
		{"match with a quoted pattern ignores case", "match(IDTOKEN.email, 'ANN@EXAMPLE')", true},
		{"match with a quoted pattern is plain text, not a regex", "match(IDTOKEN.email, 'a.n')", false},
		{"stringinstring ignores case", "stringinstring(IDTOKEN.email, 'EXAMPLE.COM')", true},
		{"stringinstring is false for absent text", "stringinstring(IDTOKEN.email, 'example.org')", false},
		{"among is case-sensitive like =", "among(ACCESSTOKEN.appname, 'sso-v1|sso-v2')", false},
		// list-valued claims
		{"= against a list claim means contains", "IDTOKEN.aud = 'app-2'", true},
		{"= against a list claim without the value is false", "IDTOKEN.aud = 'app-3'", false},
		{"!= against a list claim means does not contain", "IDTOKEN.aud != 'app-3'", true},
		{"!= against a list claim containing the value is false", "IDTOKEN.aud != 'app-1'", false},
		{"literal on the left of a list claim also means contains", "'app-1' = IDTOKEN.aud", true},
		{"two list claims are equal when they share an element", "IDTOKEN.groups = ACCESSTOKEN.roles", true},
		{"two list claims sharing nothing are not equal", "IDTOKEN.aud = ACCESSTOKEN.roles", false},
		{"among on a list claim holds when an element is among", "among(IDTOKEN.groups, 'Owners|Staff')", true},
		{"among on a list claim fails when none is among", "among(IDTOKEN.groups, 'Owners|Admins')", false},
		{"among with alternatives read from a claim", "among(IDTOKEN.groups, IDTOKEN.allowed)", true},
		{"among with alternatives read from a claim, none among", "among(ACCESSTOKEN.appname, IDTOKEN.allowed)", false},
		{"match on a list sees its JSON text", `match(IDTOKEN.groups, /"Managers"/)`, true},
		{"stringinstring on a list sees its JSON text", "stringinstring(IDTOKEN.groups, 'managers')", true},
		{"match on a space-separated scope string", "match(ACCESSTOKEN.scp, /(^| )w2w( |$)/)", true},
		{"SAML attributes are lists", "SAML.Role = 'Admin'", true},
		{"SAML attribute names in brackets", "SAML['urn:oid:0.9.2342.19200300.100.1.3'] = 'ann@example.com'", true},
		// other values
		{"claim names in brackets", "IDTOKEN['https://example.com/roles'] = 'admin'", true},
		{"nested claims", "IDTOKEN.address.country = 'NZ'", true},
		{"a bare claim means claim = true", "IDTOKEN.email_verified", true},
		{"a bare non-boolean claim is not true", "IDTOKEN.email", false},
		{"numbers compare by value", "IDTOKEN.age = 30 and IDTOKEN.age = 30.0", true},
		{"a string never equals a number", "IDTOKEN.age = '30'", false},
		{"booleans compare", "IDTOKEN.email_verified = TRUE and IDTOKEN.email_verified != false", true},
		{"userinfo is a document", "USERINFO.name = 'Ann Example'", true},
		{"not binds tighter than and", "not IDTOKEN.email = 'x' and IDTOKEN.email_verified", true},
		{"and binds tighter than or", "IDTOKEN.email = 'x' and IDTOKEN.email = 'y' or IDTOKEN.email_verified", true},
		{"straight double quotes", `IDTOKEN.email = "Ann@Example.com"`, true},
		{"a single quote inside double quotes", `IDTOKEN.email != "O'Brien"`, true},
		{"a backslash escapes a quote", `IDTOKEN.email != 'O\'Brien'`, true},
		{"== is accepted for =", "IDTOKEN.email == 'Ann@Example.com'", true},
		// native CEL
		{"native CEL", "cel: idtoken.email.endsWith('@Example.com') && 'app-1' in idtoken.aud", true},
		{"native CEL prefix in any case", "CEL: size(accesstoken.roles) == 2", true},
		{"native CEL can call the claim functions", "cel: claimEquals(idtoken.aud, 'app-1') && claimMatches(idtoken.email, '(?i)ann')", true},
		{"native CEL matches() with a constant pattern", "cel: idtoken.email.matches('^Ann@') && matches(idtoken.email, 'Example')", true},
		{"native CEL false", "cel: idtoken.email == 'ann@example.com'", false},
		{"native CEL after leading spaces", "  cel: idtoken.email_verified == true", true},
		{"cel: later in a dialect expression is a claim name", "IDTOKEN.email_verified or IDTOKEN.cel:x = 'y'", true},
	}
	docs := semanticsDocs()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCompile(t, tc.expr).Evaluate(docs)
			if r.Passed != tc.want {
				t.Fatalf("%s: Passed = %v, want %v; CEL %s; reason %q", tc.expr, r.Passed, tc.want, r.Expressions[0].CEL, r.Expressions[0].Reason)
			}
		})
	}
}

// Hosts may pass typed Go values instead of decoded JSON, such as go-oidc's
// []string audience.
func TestTypedGoClaims(t *testing.T) {
	docs := Documents{IDToken: map[string]any{"aud": []string{"app-1", "app-2"}, "n": 3, "groups": []string{"A"}}}
	for _, expr := range []string{"IDTOKEN.aud = 'app-2'", "IDTOKEN.aud != 'x'", "IDTOKEN.n = 3", "among(IDTOKEN.aud, 'x|app-1')", `match(IDTOKEN.groups, /^\["A"\]$/)`} {
		if r := mustCompile(t, expr).Evaluate(docs); !r.Passed {
			t.Errorf("%s: %+v", expr, r.Expressions[0])
		}
	}
}

func TestMissingClaims(t *testing.T) {
	tests := []struct {
		name, expr  string
		wantPass    bool
		wantMissing []string
	}{
		{"missing claim fails =", "IDTOKEN.groups2 = 'x'", false, []string{"IDTOKEN.groups2"}},
		{"missing claim fails !=", "IDTOKEN.groups2 != 'x'", false, []string{"IDTOKEN.groups2"}},
		{"missing claim fails under not", "not IDTOKEN.groups2 = 'x'", false, []string{"IDTOKEN.groups2"}},
		{"missing claim fails match", "match(ACCESSTOKEN.scope, /w2w/)", false, []string{"ACCESSTOKEN.scope"}},
		{"missing claim fails stringinstring", "stringinstring(ACCESSTOKEN.scope, 'w2w')", false, []string{"ACCESSTOKEN.scope"}},
		{"missing claim fails among", "among(ACCESSTOKEN.app, 'A|B')", false, []string{"ACCESSTOKEN.app"}},
		{"missing nested claim fails", "IDTOKEN.address.city = 'x'", false, []string{"IDTOKEN.address.city"}},
		{"claim under a non-object fails", "IDTOKEN.email.domain = 'x'", false, []string{"IDTOKEN.email.domain"}},
		{"claim under a null fails", "IDTOKEN.nothing.x = 'x'", false, []string{"IDTOKEN.nothing.x"}},
		{"null claim fails =", "IDTOKEN.nothing = 'x'", false, []string{"IDTOKEN.nothing"}},
		{"null claim fails !=", "IDTOKEN.nothing != 'x'", false, []string{"IDTOKEN.nothing"}},
		{"null claim fails match", "not match(IDTOKEN.nothing, /x/)", false, []string{"IDTOKEN.nothing"}},
		{"null claim fails stringinstring", "not stringinstring(IDTOKEN.nothing, 'x')", false, []string{"IDTOKEN.nothing"}},
		{"null claim fails among", "not among(IDTOKEN.nothing, 'x|y')", false, []string{"IDTOKEN.nothing"}},
		{"missing document fails", "USERINFO.nickname = 'x'", false, []string{"USERINFO.nickname"}},
		{"missing SAML attribute fails", "SAML.mail = 'x'", false, []string{"SAML.mail"}},
		{"a true or-branch settles the result", "IDTOKEN.groups2 = 'x' or IDTOKEN.email_verified", true, nil},
		{"a missing claim on both branches fails", "IDTOKEN.a = 'x' or IDTOKEN.b = 'y'", false, []string{"IDTOKEN.a", "IDTOKEN.b"}},
	}
	docs := semanticsDocs()
	docs.UserInfo = nil
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCompile(t, tc.expr).Evaluate(docs)
			e := r.Expressions[0]
			if r.Passed != tc.wantPass || e.Passed != tc.wantPass {
				t.Fatalf("Passed = %v, want %v (%+v)", r.Passed, tc.wantPass, e)
			}
			if !reflect.DeepEqual(e.Missing, tc.wantMissing) {
				t.Errorf("Missing = %q, want %q", e.Missing, tc.wantMissing)
			}
			if !tc.wantPass && !strings.Contains(e.Reason, "missing claim "+tc.wantMissing[0]) {
				t.Errorf("Reason = %q does not name the missing claim", e.Reason)
			}
		})
	}
}

func TestMissingClaimNativeCEL(t *testing.T) {
	r := mustCompile(t, "cel: idtoken.nope == 'x'").Evaluate(semanticsDocs())
	if r.Passed || !strings.Contains(r.Expressions[0].Reason, "no such key") {
		t.Fatalf("want a failure naming the key, got %+v", r.Expressions[0])
	}
}

func TestEmptyDocumentsNeverPanic(t *testing.T) {
	p := mustCompile(t, seedAud, seedEmail, seedScope, seedParens, seedAmong, "SAML.x = 'y'", "cel: idtoken.a == 'b'")
	r := p.Evaluate(Documents{})
	if r.Passed || len(r.Failed()) != 7 {
		t.Fatalf("every expression must fail on empty documents: %+v", r)
	}
}

func TestEmptyPolicyPasses(t *testing.T) {
	p := mustCompile(t)
	if r := p.Evaluate(Documents{}); !r.Passed || r.Err() != nil {
		t.Fatalf("a policy without expressions must pass: %+v", r)
	}
}

func TestTranslationIsShown(t *testing.T) {
	r := mustCompile(t, seedAmong).Evaluate(oktaDocs())
	want := `claimEquals(accesstoken["appname"], ["SSO-V1", "SSO-V2"])`
	if got := r.Expressions[0].CEL; got != want {
		t.Fatalf("CEL = %s, want %s", got, want)
	}
}

// match() and stringinstring() see a non-string claim as its compact JSON
// text, whichever path (fast or encoding/json) renders it.
func TestClaimTextIsJSON(t *testing.T) {
	tests := []struct {
		claim any
		want  string
	}{
		{[]any{"openid", "w2w"}, `["openid","w2w"]`},
		{[]any{}, `[]`},
		{[]any{`say "hi"`, `a\b`, "é", "<x>"}, `["say \"hi\"","a\\b","é","<x>"]`},
		{[]any{"a", 1.5, true, nil}, `["a",1.5,true,null]`},
		{map[string]any{"k": []any{"v"}}, `{"k":["v"]}`},
		{42.0, `42`},
	}
	for _, tc := range tests {
		v := types.DefaultTypeAdapter.NativeToValue(tc.claim)
		got, errVal := claimText(v)
		if errVal != nil || got != tc.want {
			t.Errorf("claimText(%v) = %q, %v; want %q", tc.claim, got, errVal, tc.want)
		}
	}
}

// A Policy is used by every login at once; run under -race.
func TestConcurrentEvaluate(t *testing.T) {
	p := mustCompile(t, seedAud, seedEmail, seedScope, seedParens, seedAmong, "cel: idtoken.aud.exists(a, a.startsWith('9b6'))")
	docs := with(oktaDocs(), "id", "aud", []any{seedClientID})
	done := make(chan Result)
	for range 8 {
		go func() { done <- p.Evaluate(docs) }()
	}
	for range 8 {
		if r := <-done; !r.Passed {
			t.Errorf("concurrent evaluation failed: %+v", r.Failed())
		}
	}
}

func TestComputedRegexPattern(t *testing.T) {
	p := mustCompile(t, "cel: claimMatches(idtoken.email, idtoken.pattern)")
	for _, tc := range []struct {
		pattern    string
		wantPass   bool
		wantReason string
	}{
		{"^Ann@", true, ""},
		{"^ann@", false, "expression is false"},
		{"(", false, "invalid regular expression"},
		{strings.Repeat("a", maxPatternLen+1), false, "longer than"},
	} {
		docs := semanticsDocs()
		docs.IDToken["pattern"] = tc.pattern
		e := p.Evaluate(docs).Expressions[0]
		if e.Passed != tc.wantPass || !strings.Contains(e.Reason, tc.wantReason) {
			t.Errorf("pattern %.20q: %+v", tc.pattern, e)
		}
	}
}
