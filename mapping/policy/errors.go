package policy

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by [CompileError]; test them with [errors.Is].
var (
	// ErrSyntax reports an expression that cannot be parsed.
	ErrSyntax = errors.New("policy: syntax error")
	// ErrUnknownName reports an unknown function or document name.
	ErrUnknownName = errors.New("policy: unknown name")
	// ErrType reports an expression that does not yield a boolean or
	// applies a function to arguments it does not accept.
	ErrType = errors.New("policy: type error")
	// ErrTooLarge reports an expression or policy over the configured limits.
	ErrTooLarge = errors.New("policy: expression too large")
	// ErrDenied is wrapped by [DeniedError] when a login fails the policy.
	ErrDenied = errors.New("policy: denied by test expression")
)

// CompileError describes why one expression of a policy was rejected at
// configuration time. Its message is safe to show to the administrator who
// wrote the expression.
type CompileError struct {
	// Index is the position of the expression in the slice given to [Compile].
	Index int
	// Expr is the expression text as given.
	Expr string
	// Column is the 1-based column, counted in characters (runes), where the
	// problem was found; 0 when no position is known.
	Column int
	// Msg describes the problem.
	Msg string
	// Err is one of the package's sentinel errors.
	Err error
}

// Error implements error.
func (e *CompileError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("policy: expression %d %q: column %d: %s", e.Index, e.Expr, e.Column, e.Msg)
	}
	return fmt.Sprintf("policy: expression %d %q: %s", e.Index, e.Expr, e.Msg)
}

// Unwrap returns the sentinel error classifying the problem.
func (e *CompileError) Unwrap() error { return e.Err }

// DeniedError is returned by [Result.Err] when at least one expression did
// not pass. Its message names the failing expressions and why, for the
// tenant's administrator: reasons name claims but do not quote their
// values, except that an evaluation error of a native CEL expression is
// CEL's own message, which may.
type DeniedError struct {
	// Failed lists the expressions that did not pass, in policy order.
	Failed []ExprResult
}

// Error implements error.
func (e *DeniedError) Error() string {
	msg := "policy: denied by test expression"
	for i, f := range e.Failed {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		msg += fmt.Sprintf("%s%d %q (%s)", sep, f.Index, f.Source, f.Reason)
	}
	return msg
}

// Unwrap returns [ErrDenied].
func (e *DeniedError) Unwrap() error { return ErrDenied }

// posError is an error found by the dialect lexer or parser.
type posError struct {
	offset int // byte offset into the expression
	msg    string
	err    error
}

func (e *posError) Error() string { return e.msg }

func errAt(offset int, sentinel error, format string, args ...any) *posError {
	return &posError{offset: offset, msg: fmt.Sprintf(format, args...), err: sentinel}
}
