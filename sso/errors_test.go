package sso

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/mapping"
	"github.com/ssokit/ssokit/mapping/policy"
	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/saml"
)

func TestClassifyLeafErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code Code
	}{
		{"oidc state", &oidc.StateError{Reason: "expired"}, CodeInvalidState},
		{"oidc exchange", &oidc.ExchangeError{Code: "invalid_grant"}, CodeCodeExchange},
		{"oidc signature", &oidc.SignatureError{}, CodeSignature},
		{"oidc algorithm", &oidc.AlgorithmError{Got: "none"}, CodeSignature},
		{"oidc expired", &oidc.ExpiredError{}, CodeExpired},
		{"oidc audience", &oidc.AudienceError{Got: []string{"x"}, Want: "y"}, CodeAudience},
		{"oidc issuer", &oidc.IssuerError{Got: "x"}, CodeIdentity},
		{"oidc provider refusal", &oidc.AuthorizationError{Code: "access_denied"}, CodeIdPRefused},
		{"oidc discovery", fmt.Errorf("x: %w", oidc.ErrDiscovery), CodeUnavailable},
		{"saml signature", fmt.Errorf("x: %w", saml.ErrSignature), CodeSignature},
		{"saml expired", &saml.TimeError{Field: "NotOnOrAfter"}, CodeExpired},
		{"saml audience", &saml.AudienceError{}, CodeAudience},
		{"saml replay", &saml.ReplayError{ID: "x"}, CodeReplayed},
		{"saml replay cache down fails closed", fmt.Errorf("x: %w", saml.ErrReplayCache), CodeUnavailable},
		{"saml unknown request", fmt.Errorf("x: %w", saml.ErrInResponseTo), CodeInvalidState},
		{"jwt signature", fmt.Errorf("x: %w", jwtsso.ErrBadSignature), CodeSignature},
		{"jwt stale", fmt.Errorf("x: %w", jwtsso.ErrStale), CodeExpired},
		{"jwt replay", fmt.Errorf("x: %w", jwtsso.ErrReplayed), CodeReplayed},
		{"jwt replay cache down fails closed", fmt.Errorf("x: %w", jwtsso.ErrReplayCache), CodeUnavailable},
		{"test expression", &policy.DeniedError{}, CodeTestExpression},
		{"email pattern", &mapping.PatternError{}, CodeNotAllowed},
		{"missing email", fmt.Errorf("x: %w", mapping.ErrMissingClaim), CodeInvalidEmail},
		{"invalid email", fmt.Errorf("x: %w", mapping.ErrInvalidEmail), CodeInvalidEmail},
		{"an *Error keeps its code", newError(CodeSession, errors.New("db")), CodeSession},
		{"anything else is identity", errors.New("boom"), CodeIdentity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := classify(tc.err)
			if e.Code != tc.code || e.Message != messages[tc.code] {
				t.Fatalf("classify = %q %q, want %q", e.Code, e.Message, tc.code)
			}
			if !errors.Is(e, tc.err) && !errors.Is(e, &Error{Code: tc.code}) {
				t.Fatal("the cause is not reachable with errors.Is")
			}
		})
	}
}

func TestEveryCodeHasAMessageAndStatus(t *testing.T) {
	codes := []Code{CodeInvalidState, CodeCodeExchange, CodeIdentity, CodeInvalidEmail, CodeNotAllowed, CodeSession,
		CodeSignature, CodeExpired, CodeAudience, CodeReplayed, CodeTestExpression, CodeSSORequired, CodeIdPRefused,
		CodeNotConfigured, CodeBadRequest, CodeInvalidReturnTo, CodeConfig, CodeUnavailable, CodeOtherTenantsUser}
	for _, c := range codes {
		e := newError(c, nil)
		if e.Message == "" || e.Status() < 400 {
			t.Errorf("%s: message %q status %d", c, e.Message, e.Status())
		}
	}
	if got := newError(CodeSession, nil).Status(); got != http.StatusInternalServerError {
		t.Errorf("session status %d", got)
	}
	cause := errors.New("db down")
	e := newError(CodeSession, cause)
	if e.Error() != "Failed to create the user's session" || !errors.Is(e, cause) || errors.Unwrap(e) != cause {
		t.Errorf("Error() %q, unwrap %v", e.Error(), errors.Unwrap(e))
	}
}

func TestDebugLogIsBounded(t *testing.T) {
	d := newDebugLog(2)
	now := time.Unix(0, 0)
	for _, c := range []string{"a", "b", "c", "c"} {
		d.record(Identity{Tenant: "t", Connection: c, Claims: mapping.Claims{IDToken: map[string]any{"x": c}}}, now)
	}
	if _, ok := d.get("t", "a"); ok {
		t.Error("oldest record kept beyond the bound")
	}
	for _, c := range []string{"b", "c"} {
		if _, ok := d.get("t", c); !ok {
			t.Errorf("record %s lost", c)
		}
	}
	if len(d.last) != 2 || len(d.order) != 2 {
		t.Errorf("size %d/%d", len(d.last), len(d.order))
	}
	off := newDebugLog(0)
	off.record(Identity{Tenant: "t", Connection: "a"}, now)
	if _, ok := off.get("t", "a"); ok {
		t.Error("recorded while disabled")
	}
}
