package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		wantErr error
		wantCol int
		wantMsg string
	}{
		{"missing right operand", "IDTOKEN.aud = ", ErrSyntax, 15, "expected a claim or a literal"},
		{"dangling and", "IDTOKEN.a = 'x' and", ErrSyntax, 20, "expected a claim or a literal"},
		{"unbalanced parenthesis", "(IDTOKEN.a = 'x'", ErrSyntax, 17, "expected ')'"},
		{"extra parenthesis", "IDTOKEN.a = 'x')", ErrSyntax, 16, "unexpected ')'"},
		{"unterminated typographic literal, column in characters", "IDTOKEN.aud = ‘9b6", ErrSyntax, 15, "unterminated quoted literal"},
		{"unterminated regex", "match(IDTOKEN.a, /w2w)", ErrSyntax, 18, "unterminated regular expression"},
		{"invalid regex", "match(IDTOKEN.a, /(/)", ErrSyntax, 18, "invalid regular expression"},
		{"regex compiling to a huge program", "match(IDTOKEN.a, /(abc){500}/)", ErrTooLarge, 18, "too complex"},
		{"unknown regex flag", "match(IDTOKEN.a, /x/q)", ErrSyntax, 21, "unknown regular expression flag"},
		{"unknown function", "foo(IDTOKEN.a)", ErrUnknownName, 1, `unknown function "foo"`},
		{"unknown function after typographic quotes", "IDTOKEN.a = ‘x’ and contains(IDTOKEN.b, 'y')", ErrUnknownName, 21, `unknown function "contains"`},
		{"unknown document", "TOKEN.a = 'x'", ErrUnknownName, 1, `unknown document "TOKEN"`},
		{"document without claim", "IDTOKEN = 'x'", ErrSyntax, 1, "needs a claim name"},
		{"wrong number of arguments", "match(IDTOKEN.a)", ErrType, 1, "takes 2 arguments"},
		{"regex pattern taken from a claim", "match(IDTOKEN.a, IDTOKEN.b)", ErrType, 18, "not a claim"},
		{"regex given to stringinstring", "stringinstring(IDTOKEN.a, /x/)", ErrType, 27, "use match()"},
		{"regex as the subject", "match(/x/, IDTOKEN.a)", ErrType, 7, "not a regular expression"},
		{"regex in a comparison", "IDTOKEN.a = /x/", ErrSyntax, 13, "only allowed as the pattern of match()"},
		{"comparison of a literal alone", "'x'", ErrSyntax, 4, "expected '=' or '!='"},
		{"unexpected character", "IDTOKEN.a = 'x' & IDTOKEN.b = 'y'", ErrSyntax, 17, "unexpected character"},
		{"malformed number", "IDTOKEN.a = 1.", ErrSyntax, 13, "malformed number"},
		{"number out of range", "IDTOKEN.a = 99999999999999999999", ErrSyntax, 13, "out of range"},
		{"empty expression", "   ", ErrSyntax, 0, "empty expression"},
		{"invalid UTF-8", "IDTOKEN.a = '\xff'", ErrSyntax, 0, "UTF-8"},
		{"nesting too deep", strings.Repeat("(", 40) + "IDTOKEN.a" + strings.Repeat(")", 40), ErrTooLarge, 33, "nested deeper"},
		{"claim reference too deep", "IDTOKEN" + strings.Repeat(".a", 17) + " = 1", ErrTooLarge, 1, "deeper than 16"},
		{"native CEL syntax error with its column", "cel: idtoken.a ==", ErrSyntax, 18, "Syntax error"},
		{"native CEL unknown function", "cel: nosuch(idtoken.a)", ErrUnknownName, 0, "undeclared reference"},
		{"native CEL that is not boolean", "cel: 'x'", ErrType, 0, "must be true or false"},
		{"native CEL with an invalid constant regex", "cel: claimMatches(idtoken.a, '(')", ErrSyntax, 0, "invalid regular expression"},
		{"native CEL with a too complex constant regex", "cel: claimMatches(idtoken.a, '(abc){500}')", ErrTooLarge, 0, "too complex"},
		{"native CEL matches() with a huge program", "cel: idtoken.a.matches('(abc){500}')", ErrTooLarge, 0, "too complex"},
		{"native CEL global matches() with a huge program", "cel: matches(idtoken.a, '(abc){500}')", ErrTooLarge, 0, "too complex"},
		{"native CEL matches() with a computed pattern", "cel: idtoken.a.matches(idtoken.b)", ErrType, 0, "constant pattern"},
		{"native CEL with a type error", "cel: 1 + 'x' == 2", ErrType, 0, "no matching overload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile([]string{seedAud, tc.expr}, Options{})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("want *CompileError, got %v", err)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v is not %v", err, tc.wantErr)
			}
			if ce.Index != 1 || ce.Expr != tc.expr {
				t.Errorf("error names expression %d %q, want 1 %q", ce.Index, ce.Expr, tc.expr)
			}
			if tc.wantCol != 0 && ce.Column != tc.wantCol {
				t.Errorf("Column = %d, want %d (%v)", ce.Column, tc.wantCol, err)
			}
			if !strings.Contains(ce.Msg, tc.wantMsg) || !strings.Contains(err.Error(), "expression 1") {
				t.Errorf("error %q does not say %q and name expression 1", err, tc.wantMsg)
			}
		})
	}
}

// Every bad expression is reported at once, in policy order.
func TestCompileReportsEveryError(t *testing.T) {
	_, err := Compile([]string{"cel: nosuch(1)", seedAud, "IDTOKEN.a = ", "foo(IDTOKEN.a)"}, Options{})
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("want a joined error, got %T %v", err, err)
	}
	var got []int
	for _, e := range joined.Unwrap() {
		var ce *CompileError
		if !errors.As(e, &ce) {
			t.Fatalf("%T is not a *CompileError", e)
		}
		got = append(got, ce.Index)
	}
	if len(got) != 3 || got[0] != 0 || got[1] != 2 || got[2] != 3 {
		t.Errorf("reported indexes %v, want [0 2 3]", got)
	}
	if !errors.Is(err, ErrSyntax) || !errors.Is(err, ErrUnknownName) {
		t.Errorf("joined error does not wrap both sentinels: %v", err)
	}
}

func TestCompileLimits(t *testing.T) {
	many := make([]string, 3)
	for i := range many {
		many[i] = seedEmail
	}
	if _, err := Compile(many, Options{MaxExprs: 2}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too many expressions: got %v", err)
	}
	long := "IDTOKEN.a = '" + strings.Repeat("x", 100) + "'"
	if _, err := Compile([]string{long}, Options{MaxExprLen: 50}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too long expression: got %v", err)
	}
	longRe := "match(IDTOKEN.a, /" + strings.Repeat("x", maxPatternLen+1) + "/)"
	if _, err := Compile([]string{longRe}, Options{MaxExprLen: 2 * maxPatternLen}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too long regex: got %v", err)
	}
	if _, err := Compile([]string{"cel: " + strings.Repeat("(", 100) + "true" + strings.Repeat(")", 100)}, Options{}); err == nil {
		t.Error("deeply nested native CEL was accepted")
	}
}

// Expressions at the length limit that expand the most in translation
// still compile: long chains are not nested, among's list fits the limit.
func TestLongExpressionsCompile(t *testing.T) {
	chain := strings.Repeat("IDTOKEN.b or ", (DefaultMaxExprLen-15)/13) + "IDTOKEN.a = 'y'"
	among := "among(IDTOKEN.a, '" + strings.Repeat("|", DefaultMaxExprLen-21) + "y')"
	ctl := "IDTOKEN.a = '" + strings.Repeat("\x01", DefaultMaxExprLen-15) + "'" // each becomes \x01 in CEL
	for name, expr := range map[string]string{"or chain": chain, "among": among, "control characters": ctl} {
		if len(expr) > DefaultMaxExprLen {
			t.Fatalf("%s: test expression of %d bytes is over the limit", name, len(expr))
		}
		p, err := Compile([]string{expr}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := p.Evaluate(Documents{IDToken: map[string]any{"a": "y"}}); !r.Passed && name != "control characters" {
			t.Errorf("%s: %+v", name, r.Expressions[0].Reason)
		}
	}
}

func groupsDocs(n int) Documents {
	big := make([]any, n)
	for i := range big {
		big[i] = strings.Repeat("g", 20)
	}
	return Documents{IDToken: map[string]any{"groups": big}, AccessToken: map[string]any{"groups": big}}
}

func TestCostLimit(t *testing.T) {
	expr := "IDTOKEN.groups = ACCESSTOKEN.groups"
	if r := mustCompile(t, expr).Evaluate(groupsDocs(50)); !r.Passed {
		t.Fatalf("with the default limit the lists should compare: %+v", r.Expressions[0])
	}
	p, err := Compile([]string{expr}, Options{CostLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Evaluate(groupsDocs(50))
	if r.Passed || !strings.Contains(r.Expressions[0].Reason, "cost limit") {
		t.Fatalf("want a cost limit failure, got %+v", r.Expressions[0])
	}
	p, err = Compile([]string{expr}, Options{CostLimit: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	r = p.Evaluate(groupsDocs(300))
	if r.Passed || !strings.Contains(r.Expressions[0].Reason, "too large") {
		t.Fatalf("want the per-call bound to refuse 300x300 comparisons, got %+v", r.Expressions[0])
	}
	nativeLoop := "cel: idtoken.groups.all(a, idtoken.groups.all(b, a == b || true))"
	if r := mustCompile(t, nativeLoop).Evaluate(groupsDocs(400)); r.Passed || !strings.Contains(r.Expressions[0].Reason, "cost limit") {
		t.Fatalf("a quadratic native expression must hit the cost limit, got %+v", r.Expressions[0])
	}
}

// A match whose text × program size is over maxRegexWork is refused before
// it runs; the same text with a small pattern is matched.
func TestRegexWorkLimit(t *testing.T) {
	docs := Documents{IDToken: map[string]any{"blob": strings.Repeat("y", 50_000)}}
	big := mustCompile(t, "not match(IDTOKEN.blob, /x{100}/)").Evaluate(docs)
	if big.Passed || !strings.Contains(big.Expressions[0].Reason, "too long for this regular expression") {
		t.Errorf("want the work bound to refuse the match, got %+v", big.Expressions[0])
	}
	small := mustCompile(t, "not match(IDTOKEN.blob, /x/)").Evaluate(docs)
	if !small.Passed {
		t.Errorf("a small pattern on the same text must run: %+v", small.Expressions[0])
	}
}

func TestTextLimit(t *testing.T) {
	docs := Documents{IDToken: map[string]any{"blob": strings.Repeat("x", maxTextLen+1)}}
	for _, expr := range []string{"match(IDTOKEN.blob, /y/)", "stringinstring(IDTOKEN.blob, 'y')"} {
		p, err := Compile([]string{expr}, Options{CostLimit: 1 << 40})
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Evaluate(docs); r.Passed || !strings.Contains(r.Expressions[0].Reason, "longer than") {
			t.Errorf("%s: want a text size failure, got %+v", expr, r.Expressions[0])
		}
	}
}

func TestDeniedError(t *testing.T) {
	p := mustCompile(t, seedAud, seedEmail)
	err := p.Evaluate(with(oktaDocs(), "id", "aud", "x")).Err()
	var de *DeniedError
	if !errors.As(err, &de) || !errors.Is(err, ErrDenied) {
		t.Fatalf("want *DeniedError wrapping ErrDenied, got %v", err)
	}
	if len(de.Failed) != 1 || de.Failed[0].Index != 0 {
		t.Fatalf("Failed = %+v", de.Failed)
	}
	if msg := err.Error(); !strings.Contains(msg, seedAud) || strings.Contains(msg, "ann@example.com") {
		t.Errorf("message must name the expression and not leak claim values: %q", msg)
	}
}

// Dialect expressions are proven under the limit by CEL's estimator and run
// untracked; expressions with loops or unknown sizes are tracked.
func TestStaticCostBound(t *testing.T) {
	tests := []struct {
		expr        string
		wantTracked bool
	}{
		{seedAud, false},
		{seedScope, false},
		{seedAmong, false},
		{seedParens + " and " + seedEmail + " and stringinstring(IDTOKEN.email, 'x')", false},
		{strings.Join([]string{seedAud, seedEmail, seedScope, seedParens, seedAmong}, " and "), false},
		{"among(IDTOKEN.a, IDTOKEN.b)", true},
		{"cel: idtoken.email == accesstoken.sub", true},
		{"cel: idtoken.groups.all(g, g != 'x')", true},
		{"cel: claimEquals(idtoken.aud, 'x')", false},
	}
	for _, tc := range tests {
		p := mustCompile(t, tc.expr)
		if e := p.exprs[0]; e.tracked != tc.wantTracked {
			t.Errorf("%s: tracked = %v (estimate %d), want %v", tc.expr, e.tracked, e.maxCost, tc.wantTracked)
		}
	}
	p, err := Compile([]string{seedAud}, Options{CostLimit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !p.exprs[0].tracked {
		t.Error("a limit below the estimate must turn on runtime tracking")
	}
}
