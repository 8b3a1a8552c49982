package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/overloads"
	"github.com/google/cel-go/interpreter"
)

// CEL variable names of the four claims documents.
const (
	varIDToken     = "idtoken"
	varAccessToken = "accesstoken"
	varUserInfo    = "userinfo"
	varSAML        = "saml"
)

// NativePrefix marks an expression written in CEL rather than in the
// WhenToWork dialect. No dialect expression can start with it: a dialect
// expression starts with "(", "not", a function call or a document name,
// and "cel:" is none of these.
const NativePrefix = "cel:"

// Defaults for the zero [Options].
const (
	DefaultCostLimit  = 100_000
	DefaultMaxExprLen = 4096
	DefaultMaxExprs   = 64
	celRecursionLimit = 64
	// celExpansion bounds how much longer the CEL translation is than the
	// dialect text (among's "|" becomes `", "`, a control character
	// becomes a \u escape).
	celExpansion = 8
)

// Options tunes [Compile]. The zero value is ready to use.
type Options struct {
	// CostLimit bounds the CEL cost of evaluating one expression; an
	// expression exceeding it fails. 0 means DefaultCostLimit. A cost unit
	// is roughly one simple operation; the default stops a runaway native
	// expression within tens of milliseconds. An expression whose worst
	// case CEL's estimator proves to be under the limit (a dialect
	// expression of up to about six clauses) runs without cost tracking;
	// any other is stopped at run time.
	CostLimit uint64
	// MaxExprLen bounds the length in bytes of one expression.
	// 0 means DefaultMaxExprLen.
	MaxExprLen int
	// MaxExprs bounds the number of expressions. 0 means DefaultMaxExprs.
	MaxExprs int
}

func (o Options) withDefaults() Options {
	if o.CostLimit == 0 {
		o.CostLimit = DefaultCostLimit
	}
	if o.MaxExprLen <= 0 {
		o.MaxExprLen = DefaultMaxExprLen
	}
	if o.MaxExprs <= 0 {
		o.MaxExprs = DefaultMaxExprs
	}
	return o
}

// Policy is a compiled list of test expressions. It is immutable and safe
// for concurrent use.
type Policy struct {
	exprs []*expr
}

// expr is one compiled expression.
type expr struct {
	index  int
	source string
	cel    string
	// shownCEL is cel without the padding of a native expression.
	shownCEL string
	native   bool
	paths    []claimPath // claims a dialect expression reads
	prg      cel.Program
	// maxCost is CEL's worst-case cost estimate; tracked is true when it
	// exceeds the limit and the program enforces the limit at run time.
	maxCost uint64
	tracked bool
}

// Compile parses, translates and type-checks the expressions, once, at
// configuration time. Each rejected expression is reported as a
// [*CompileError] naming its index, its text and the column; when several
// are rejected the error is their [errors.Join], so a configuration page
// can show every problem at once, and [errors.As] finds the first.
func Compile(exprs []string, opts Options) (*Policy, error) {
	opts = opts.withDefaults()
	if len(exprs) > opts.MaxExprs {
		return nil, &CompileError{Index: opts.MaxExprs, Msg: fmt.Sprintf("more than %d expressions", opts.MaxExprs), Err: ErrTooLarge}
	}
	var errs []error
	parsed := make([]*expr, 0, len(exprs))
	lib := claimsLib{regexes: map[string]*boundedRegex{}}
	for i, src := range exprs {
		e, regexes, err := prepare(i, src, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for k, re := range regexes {
			lib.regexes[k] = re
		}
		parsed = append(parsed, e)
	}
	env, err := newEnv(lib, opts)
	if err != nil {
		return nil, fmt.Errorf("policy: building CEL environment: %w", err)
	}
	for _, e := range parsed {
		if err := e.compile(env, opts); err != nil {
			errs = append(errs, err)
		}
	}
	switch len(errs) {
	case 0:
		return &Policy{exprs: parsed}, nil
	case 1:
		return nil, errs[0]
	}
	sort.SliceStable(errs, func(i, j int) bool {
		return errs[i].(*CompileError).Index < errs[j].(*CompileError).Index
	})
	return nil, errors.Join(errs...)
}

// prepare checks the size of one expression and, for the dialect, parses
// and translates it to CEL.
func prepare(i int, src string, opts Options) (*expr, map[string]*boundedRegex, error) {
	e := &expr{index: i, source: src}
	fail := func(offset int, sentinel error, msg string) error {
		return &CompileError{Index: i, Expr: src, Column: column(src, offset), Msg: msg, Err: sentinel}
	}
	switch {
	case len(src) > opts.MaxExprLen:
		return nil, nil, fail(-1, ErrTooLarge, fmt.Sprintf("longer than %d bytes", opts.MaxExprLen))
	case !utf8.ValidString(src):
		return nil, nil, fail(-1, ErrSyntax, "not valid UTF-8")
	case strings.TrimSpace(src) == "":
		return nil, nil, fail(-1, ErrSyntax, "empty expression")
	}
	if body, ok := nativeBody(src); ok {
		e.native, e.cel = true, body
		return e, nil, nil
	}
	n, err := parse(src)
	if err == nil {
		var t *translation
		if t, err = translate(n); err == nil {
			e.cel, e.paths = t.cel, t.paths
			return e, t.regexes, nil
		}
	}
	var pe *posError
	if errors.As(err, &pe) {
		return nil, nil, fail(pe.offset, pe.err, pe.msg)
	}
	return nil, nil, fail(-1, ErrSyntax, err.Error())
}

// nativeBody reports whether src starts with [NativePrefix] (in any case,
// after leading spaces) and returns the CEL text after it, padded with
// spaces so that CEL's columns are the columns of src.
func nativeBody(src string) (string, bool) {
	trimmed := strings.TrimLeft(src, " \t\r\n")
	if len(trimmed) < len(NativePrefix) || !strings.EqualFold(trimmed[:len(NativePrefix)], NativePrefix) {
		return "", false
	}
	skip := len(src) - len(trimmed) + len(NativePrefix)
	return strings.Repeat(" ", skip) + src[skip:], true
}

// column converts a byte offset into a 1-based rune column; -1 gives 0.
func column(src string, offset int) int {
	if offset < 0 || offset > len(src) {
		return 0
	}
	return utf8.RuneCountInString(src[:offset]) + 1
}

func newEnv(lib claimsLib, opts Options) (*cel.Env, error) {
	claims := cel.MapType(cel.StringType, cel.DynType)
	return cel.NewEnv(
		cel.Variable(varIDToken, claims),
		cel.Variable(varAccessToken, claims),
		cel.Variable(varUserInfo, claims),
		cel.Variable(varSAML, cel.MapType(cel.StringType, cel.ListType(cel.StringType))),
		cel.Lib(lib),
		cel.ParserRecursionLimit(celRecursionLimit),
		cel.ParserExpressionSizeLimit(celExpansion*opts.MaxExprLen+64),
	)
}

// compile type-checks the CEL text and plans the program.
func (e *expr) compile(env *cel.Env, opts Options) error {
	ast, iss := env.Compile(e.cel)
	if iss != nil && iss.Err() != nil {
		return e.celError(iss)
	}
	if at := computedMatchesPattern(ast); at >= 0 {
		return &CompileError{Index: e.index, Expr: e.source, Msg: "matches() needs a constant pattern here; use claimMatches() for a computed one", Err: ErrType}
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		return &CompileError{Index: e.index, Expr: e.source, Msg: "expression must be true or false, not " + t.String(), Err: ErrType}
	}
	progOpts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	est, err := env.EstimateCost(ast, noSizes{})
	if err != nil || est.Max > opts.CostLimit {
		// The limit cannot be proven statically: track cost at run time.
		progOpts = append(progOpts, cel.CostLimit(opts.CostLimit))
	}
	e.maxCost, e.tracked = est.Max, err != nil || est.Max > opts.CostLimit
	prg, err := env.Program(ast, progOpts...)
	if err != nil { // a constant regex refused by compileRegex
		ce := &CompileError{Index: e.index, Expr: e.source, Msg: err.Error(), Err: ErrSyntax}
		var rerr *regexError
		if errors.As(err, &rerr) {
			ce.Msg, ce.Err = rerr.msg, rerr.err
		}
		return ce
	}
	e.prg, e.shownCEL = prg, strings.TrimLeft(e.cel, " ")
	return nil
}

// celError converts CEL's issues into a CompileError. For a native
// expression CEL's column is the column in the source; for the dialect the
// translation was already validated, so a CEL error carries no column.
func (e *expr) celError(iss *cel.Issues) error {
	ce := &CompileError{Index: e.index, Expr: e.source, Msg: iss.Err().Error(), Err: ErrType}
	if errs := iss.Errors(); len(errs) > 0 {
		first := errs[0]
		ce.Msg = first.Message
		if e.native && first.Location.Line() == 1 {
			ce.Column = first.Location.Column() + 1
		}
		switch {
		case strings.HasPrefix(first.Message, "Syntax error"):
			ce.Err = ErrSyntax
		case strings.Contains(first.Message, "undeclared reference"):
			ce.Err = ErrUnknownName
		}
	}
	return ce
}

// activation resolves the four document variables for one evaluation. The
// documents are handed to CEL as the Go maps they are: CEL reads
// map[string]any claims directly and adapts only the values it uses.
type activation struct {
	docs Documents
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case varIDToken:
		return a.docs.IDToken, true
	case varAccessToken:
		return a.docs.AccessToken, true
	case varUserInfo:
		return a.docs.UserInfo, true
	case varSAML:
		return a.docs.SAML, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// computedMatchesPattern returns the id of a call to CEL's matches() whose
// pattern is not a constant, or -1. Such a pattern would be compiled on
// every evaluation without the bounds of compileRegex, so it is refused;
// claimMatches() applies them to computed patterns.
func computedMatchesPattern(checked *cel.Ast) int64 {
	found := int64(-1)
	celast.PreOrderVisit(checked.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.CallKind || e.AsCall().FunctionName() != overloads.Matches {
			return
		}
		args := e.AsCall().Args()
		if len(args) > 0 && args[len(args)-1].Kind() != celast.LiteralKind && found < 0 {
			found = e.ID()
		}
	}))
	return found
}
