package policy

import (
	"strings"

	"github.com/google/cel-go/common/types"
)

// Documents holds the claims of one login. Any of them may be nil; a nil
// document has no claims.
type Documents struct {
	// IDToken, AccessToken and UserInfo are decoded JSON claims sets
	// (values as encoding/json produces them: string, float64, bool,
	// []any, map[string]any, nil).
	IDToken, AccessToken, UserInfo map[string]any
	// SAML holds a SAML assertion's attributes by name.
	SAML map[string][]string
}

// Result is the outcome of [Policy.Evaluate].
type Result struct {
	// Passed is true when every expression passed (or there are none).
	Passed bool
	// Expressions holds one entry per expression, in policy order.
	Expressions []ExprResult
}

// ExprResult is the outcome of one expression.
type ExprResult struct {
	// Index is the position of the expression in the policy.
	Index int
	// Source is the expression as configured.
	Source string
	// CEL is the CEL the expression was compiled from (the translation of
	// a dialect expression, the body of a native one).
	CEL string
	// Passed is true when the expression evaluated to true.
	Passed bool
	// Reason explains a failure: "expression is false", the missing
	// claims, or the evaluation error. Empty when Passed.
	Reason string
	// Missing lists the claims the expression reads that are absent,
	// in dialect form (IDTOKEN.email). Only dialect expressions fill it.
	Missing []string
}

// Failed returns the expressions that did not pass.
func (r Result) Failed() []ExprResult {
	var out []ExprResult
	for _, e := range r.Expressions {
		if !e.Passed {
			out = append(out, e)
		}
	}
	return out
}

// Err returns nil when the login passed, or a [*DeniedError] listing the
// failed expressions.
func (r Result) Err() error {
	if r.Passed {
		return nil
	}
	return &DeniedError{Failed: r.Failed()}
}

// Evaluate runs every expression against the documents. All must be true
// for the result to pass; each is evaluated, so the result explains every
// failure. A missing claim, a value of the wrong type or a cost over the
// limit fails that expression; Evaluate never panics on any input.
func (p *Policy) Evaluate(docs Documents) Result {
	act := &activation{docs: docs}
	res := Result{Passed: true, Expressions: make([]ExprResult, len(p.exprs))}
	for i, e := range p.exprs {
		res.Expressions[i] = e.eval(act, docs)
		if !res.Expressions[i].Passed {
			res.Passed = false
		}
	}
	return res
}

func (e *expr) eval(act *activation, docs Documents) ExprResult {
	r := ExprResult{Index: e.index, Source: e.source, CEL: e.shownCEL}
	out, _, err := e.prg.Eval(act)
	if err == nil && out == types.True {
		r.Passed = true
		return r
	}
	r.Missing = missingClaims(e.paths, docs)
	switch {
	case len(r.Missing) > 0:
		r.Reason = "missing claim " + strings.Join(r.Missing, ", ")
	case err != nil:
		r.Reason = "evaluation error: " + err.Error()
	case out == types.False:
		r.Reason = "expression is false"
	default:
		r.Reason = "expression did not yield true or false but " + out.Type().TypeName()
	}
	return r
}

// missingClaims returns, in dialect form, the paths absent from docs.
func missingClaims(paths []claimPath, docs Documents) []string {
	var out []string
	for _, p := range paths {
		if !present(p, docs) {
			out = appendUnique(out, p.String())
		}
	}
	return out
}

func present(p claimPath, docs Documents) bool {
	var cur any
	switch p.doc {
	case varIDToken:
		cur = docs.IDToken
	case varAccessToken:
		cur = docs.AccessToken
	case varUserInfo:
		cur = docs.UserInfo
	case varSAML:
		_, ok := docs.SAML[p.segs[0]]
		return ok && len(p.segs) == 1
	}
	for _, s := range p.segs {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[s]; !ok {
			return false
		}
	}
	return cur != nil // a null claim counts as missing
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
