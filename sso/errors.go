package sso

import (
	"errors"
	"net/http"

	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
)

// Code is a stable identifier of a login failure, for hosts, logs and
// translations.
type Code string

// Error codes. The first six are Contiamo's documented errors.
const (
	CodeInvalidState     Code = "invalid_state"
	CodeCodeExchange     Code = "code_exchange_failed"
	CodeIdentity         Code = "identity_failed"
	CodeInvalidEmail     Code = "invalid_email"
	CodeNotAllowed       Code = "user_not_allowed"
	CodeSession          Code = "session_failed"
	CodeSignature        Code = "signature_invalid"
	CodeExpired          Code = "assertion_expired"
	CodeAudience         Code = "audience_mismatch"
	CodeReplayed         Code = "replayed_token"
	CodeTestExpression   Code = "test_expression_failed"
	CodeSSORequired      Code = "sso_required"
	CodeIdPRefused       Code = "idp_refused"
	CodeNotConfigured    Code = "sso_not_configured"
	CodeBadRequest       Code = "bad_request"
	CodeInvalidReturnTo  Code = "invalid_return_to"
	CodeConfig           Code = "configuration_error"
	CodeUnavailable      Code = "temporarily_unavailable"
	CodeOtherTenantsUser Code = "other_tenant"
	// CodeDomainNotVerified: the asserted email (or Google hd) is under
	// a domain the connection's tenant has not verified, so it may not
	// link to an account, create one or route a login.
	CodeDomainNotVerified Code = "domain_not_verified"
)

// messages are the user-safe messages of each code.
var messages = map[Code]string{
	CodeInvalidState:      "Invalid authentication state",
	CodeCodeExchange:      "Failed to exchange the authorization code",
	CodeIdentity:          "Failed to extract the user's identity",
	CodeInvalidEmail:      "Failed to validate the user's email",
	CodeNotAllowed:        "This user is not allowed to login",
	CodeSession:           "Failed to create the user's session",
	CodeSignature:         "The identity provider's signature is invalid",
	CodeExpired:           "The login has expired, please try again",
	CodeAudience:          "The login was meant for another application",
	CodeReplayed:          "This login link was already used",
	CodeTestExpression:    "This user is not allowed to login (access rule failed)",
	CodeSSORequired:       "Your organisation requires single sign-on",
	CodeIdPRefused:        "The identity provider refused the login",
	CodeNotConfigured:     "Single sign-on is not configured for this organisation",
	CodeBadRequest:        "Bad login request",
	CodeInvalidReturnTo:   "The return address is not allowed",
	CodeConfig:            "Single sign-on is misconfigured for this organisation",
	CodeUnavailable:       "Single sign-on is temporarily unavailable",
	CodeOtherTenantsUser:  "This user is not allowed to login",
	CodeDomainNotVerified: "This email's domain is not verified for your organisation",
}

// Error is the one error type of a failed login. Error() returns Message,
// which is safe to show the user; Unwrap gives the cause for logs.
type Error struct {
	// Code is stable; Message is safe to show; Err is the cause.
	Code    Code
	Message string
	Err     error
}

// Error returns the user-safe message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error with the same Code, so
// errors.Is(err, &sso.Error{Code: sso.CodeNotAllowed}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Status returns the HTTP status for the error page.
func (e *Error) Status() int {
	switch e.Code {
	case CodeNotConfigured:
		return http.StatusNotFound
	case CodeBadRequest, CodeInvalidReturnTo, CodeInvalidState:
		return http.StatusBadRequest
	case CodeSession, CodeConfig:
		return http.StatusInternalServerError
	case CodeCodeExchange, CodeUnavailable:
		return http.StatusBadGateway
	}
	return http.StatusForbidden
}

// newError builds an *Error with the code's message.
func newError(code Code, cause error) *Error {
	return &Error{Code: code, Message: messages[code], Err: cause}
}

// classify maps an error of a leaf package to an *Error. An *Error is
// returned as is.
func classify(err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	return newError(codeOf(err), err)
}

func codeOf(err error) Code {
	var blocked *BlockedAddressError
	if errors.As(err, &blocked) { // the connection's URL, not an outage
		return CodeConfig
	}
	if c, ok := oidcCode(err); ok {
		return c
	}
	if c, ok := protocolCode(err); ok {
		return c
	}
	switch {
	case errors.Is(err, policy.ErrDenied):
		return CodeTestExpression
	case errors.Is(err, mapping.ErrEmailPattern):
		return CodeNotAllowed
	case errors.Is(err, mapping.ErrInvalidEmail), errors.Is(err, mapping.ErrMissingClaim),
		errors.Is(err, mapping.ErrClaimType), errors.Is(err, mapping.ErrTooManyValues):
		return CodeInvalidEmail
	case errors.Is(err, ErrConfig):
		return CodeConfig
	}
	return CodeIdentity
}

func oidcCode(err error) (Code, bool) {
	var (
		sig *oidc.SignatureError
		alg *oidc.AlgorithmError
		exp *oidc.ExpiredError
		aud *oidc.AudienceError
		st  *oidc.StateError
	)
	switch {
	case errors.As(err, &st) && st.Reason == "replay cache unavailable":
		return CodeUnavailable, true // fail closed, but say why
	case errors.Is(err, oidc.ErrInvalidState):
		return CodeInvalidState, true
	case errors.Is(err, oidc.ErrCodeExchange):
		return CodeCodeExchange, true
	case errors.Is(err, oidc.ErrAuthorization):
		return CodeIdPRefused, true
	case errors.Is(err, oidc.ErrDiscovery):
		return CodeUnavailable, true
	case errors.As(err, &sig), errors.As(err, &alg):
		return CodeSignature, true
	case errors.As(err, &exp):
		return CodeExpired, true
	case errors.As(err, &aud):
		return CodeAudience, true
	case errors.Is(err, oidc.ErrIdentity):
		return CodeIdentity, true
	}
	return "", false
}
