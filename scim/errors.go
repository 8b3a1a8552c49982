package scim

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors. Errors returned by this package and expected from a
// [Store] wrap one of them, so callers test them with errors.Is.
var (
	// ErrNotFound means the resource does not exist in the caller's tenant.
	ErrNotFound = errors.New("scim: resource not found")
	// ErrUniqueness means a unique attribute (userName) is already taken in
	// the tenant.
	ErrUniqueness = errors.New("scim: unique attribute already in use")
	// ErrVersionMismatch means the stored version differs from the expected
	// one (an If-Match precondition or a concurrent update).
	ErrVersionMismatch = errors.New("scim: resource version mismatch")
	// ErrInvalidFilter means a filter expression is malformed.
	ErrInvalidFilter = errors.New("scim: invalid filter")
	// ErrInvalidPath means a PATCH path is malformed or names an unknown
	// attribute.
	ErrInvalidPath = errors.New("scim: invalid path")
	// ErrInvalidValue means a request value is missing, of the wrong type or
	// otherwise unacceptable.
	ErrInvalidValue = errors.New("scim: invalid value")
	// ErrInvalidSyntax means a request body is not the JSON the operation
	// needs.
	ErrInvalidSyntax = errors.New("scim: invalid syntax")
	// ErrNoTarget means a PATCH path matched nothing where a match is
	// required.
	ErrNoTarget = errors.New("scim: no target")
	// ErrMutability means the request tried to change a read-only attribute.
	ErrMutability = errors.New("scim: attribute is read-only")
	// ErrUnauthorized means the bearer token is missing or unknown.
	ErrUnauthorized = errors.New("scim: unauthorized")
	// ErrTooLarge means a request exceeds a configured size limit.
	ErrTooLarge = errors.New("scim: request too large")
)

// SCIM error types (the "scimType" member of an error response, RFC 7644
// section 3.12).
const (
	TypeInvalidFilter = "invalidFilter"
	TypeTooMany       = "tooMany"
	TypeUniqueness    = "uniqueness"
	TypeMutability    = "mutability"
	TypeInvalidSyntax = "invalidSyntax"
	TypeInvalidPath   = "invalidPath"
	TypeNoTarget      = "noTarget"
	TypeInvalidValue  = "invalidValue"
	TypeInvalidVers   = "invalidVers"
)

// ErrorSchema is the schema URI of a SCIM error response.
const ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// Error is a SCIM protocol error: an HTTP status, an optional scimType and a
// detail message that is safe to show to the client. Err is the cause, kept
// for logs and errors.Is.
type Error struct {
	Status   int
	ScimType string
	Detail   string
	Err      error
}

// Error returns the detail message, which is safe to show.
func (e *Error) Error() string { return e.Detail }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// SyntaxError reports where a filter or PATCH path failed to parse. It wraps
// [ErrInvalidFilter] or [ErrInvalidPath].
type SyntaxError struct {
	Input  string // the expression, truncated to 200 bytes
	Offset int    // byte offset of the problem
	Msg    string
	Kind   error // ErrInvalidFilter or ErrInvalidPath
}

// Error describes the problem and its position.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: %s at offset %d", e.Kind, e.Msg, e.Offset)
}

// Unwrap returns ErrInvalidFilter or ErrInvalidPath.
func (e *SyntaxError) Unwrap() error { return e.Kind }

// errorf builds an *Error wrapping cause with a formatted detail.
func errorf(status int, scimType string, cause error, format string, args ...any) *Error {
	return &Error{Status: status, ScimType: scimType, Detail: fmt.Sprintf(format, args...), Err: cause}
}

// invalidValue is a shorthand for a 400 invalidValue error.
func invalidValue(format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, TypeInvalidValue, ErrInvalidValue, format, args...)
}

// toError maps any error onto the SCIM error that the handler sends.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var se *SyntaxError
	switch {
	case errors.As(err, &se) && errors.Is(err, ErrInvalidPath):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidPath, Detail: se.Error(), Err: err}
	case errors.As(err, &se):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidFilter, Detail: se.Error(), Err: err}
	case errors.Is(err, ErrNotFound):
		return &Error{Status: http.StatusNotFound, Detail: "resource not found", Err: err}
	case errors.Is(err, ErrUniqueness):
		return &Error{Status: http.StatusConflict, ScimType: TypeUniqueness, Detail: "userName is already in use", Err: err}
	case errors.Is(err, ErrVersionMismatch):
		return &Error{Status: http.StatusPreconditionFailed, Detail: "resource version does not match", Err: err}
	case errors.Is(err, ErrInvalidFilter):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidFilter, Detail: "invalid filter", Err: err}
	case errors.Is(err, ErrInvalidPath):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidPath, Detail: "invalid path", Err: err}
	case errors.Is(err, ErrInvalidValue):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidValue, Detail: "invalid value", Err: err}
	case errors.Is(err, ErrNoTarget):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeNoTarget, Detail: "no target", Err: err}
	case errors.Is(err, ErrMutability):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeMutability, Detail: "attribute is read-only", Err: err}
	case errors.Is(err, ErrInvalidSyntax):
		return &Error{Status: http.StatusBadRequest, ScimType: TypeInvalidSyntax, Detail: "invalid request syntax", Err: err}
	case errors.Is(err, ErrTooLarge):
		return &Error{Status: http.StatusRequestEntityTooLarge, Detail: "request too large", Err: err}
	case errors.Is(err, ErrUnauthorized):
		return &Error{Status: http.StatusUnauthorized, Detail: "authorization failure", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Detail: "internal error", Err: err}
}
