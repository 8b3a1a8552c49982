package policy

import (
	"encoding/json"
	"testing"
)

// FuzzPolicy feeds arbitrary expression text and claim documents through
// Compile, Evaluate and DryRun. Nothing may panic; a dialect expression
// that parses must translate to CEL that compiles (else the translator is
// wrong); evaluation is bounded by the cost limit and the size caps.
func FuzzPolicy(f *testing.F) {
	claims := `{"id":{"aud":["9b6xxxxxxxxxxxxxxxx651"],"email":"a@b.c"},"at":{"sub":"a@b.c","scp":["openid","w2w"],"appname":"SSO-V1"},"ui":{"n":{"m":[1,2,{"x":null}]}},"saml":{"Role":["A","B"]}}`
	for _, e := range []string{
		seedAud, seedEmail, seedScope, seedParens, seedAmong,
		"stringinstring(IDTOKEN.email, 'B.C')", "not IDTOKEN.email != 'x'",
		"SAML['Role'] = 'A' and USERINFO.n.m = 2", "cel: claimMatches(idtoken.email, 'a')",
		"IDTOKEN.email_verified", "match(IDTOKEN.aud, 'xx')",
		"match(IDTOKEN.email, /(abc){500}/)", "cel: idtoken.email.matches('^a') || matches(idtoken.email, idtoken.p)",
		"cel: claimMatches(idtoken.email, accesstoken.sub)", "among(IDTOKEN.aud, ACCESSTOKEN.appname)",
	} {
		f.Add(e, []byte(claims))
	}
	f.Fuzz(func(t *testing.T, expr string, raw []byte) {
		if len(expr) > 2*DefaultMaxExprLen || len(raw) > 1<<16 {
			return
		}
		checkTranslation(t, expr)
		p, err := Compile([]string{expr}, Options{})
		if err != nil {
			if _, ok := err.(*CompileError); !ok {
				t.Fatalf("Compile error is %T, want *CompileError: %v", err, err)
			}
			return
		}
		docs := fuzzDocs(raw)
		r := p.Evaluate(docs)
		if !r.Passed && r.Expressions[0].Reason == "" {
			t.Fatalf("failed without a reason: %+v", r.Expressions[0])
		}
		if rep := p.DryRun(docs); rep.Result.Passed != r.Passed {
			t.Fatalf("DryRun disagrees with Evaluate")
		}
	})
}

// checkTranslation checks that a dialect expression accepted by the parser
// and translator is valid CEL.
func checkTranslation(t *testing.T, expr string) {
	if _, native := nativeBody(expr); native || len(expr) > DefaultMaxExprLen {
		return
	}
	n, err := parse(expr)
	if err != nil {
		return
	}
	tr, err := translate(n)
	if err != nil {
		return
	}
	env, err := newEnv(claimsLib{regexes: map[string]*boundedRegex{}}, Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if _, iss := env.Compile(tr.cel); iss != nil && iss.Err() != nil {
		t.Fatalf("dialect %q translated to invalid CEL %q: %v", expr, tr.cel, iss.Err())
	}
}

// fuzzDocs decodes {"id":{...},"at":{...},"ui":{...},"saml":{...}}; what does
// not decode is left empty.
func fuzzDocs(raw []byte) Documents {
	var in struct {
		ID   map[string]any      `json:"id"`
		AT   map[string]any      `json:"at"`
		UI   map[string]any      `json:"ui"`
		SAML map[string][]string `json:"saml"`
	}
	_ = json.Unmarshal(raw, &in) // partial decodes are fine input too
	return Documents{IDToken: in.ID, AccessToken: in.AT, UserInfo: in.UI, SAML: in.SAML}
}
