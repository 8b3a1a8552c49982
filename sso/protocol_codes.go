package sso

import (
	"errors"

	"github.com/ssokit/ssokit/jwtsso"
	"github.com/ssokit/ssokit/saml"
)

// protocolCode maps errors of the SAML and JWT verifiers to codes.
func protocolCode(err error) (Code, bool) {
	if c, ok := jwtCode(err); ok {
		return c, true
	}
	switch {
	case errors.Is(err, saml.ErrSignature):
		return CodeSignature, true
	case errors.Is(err, saml.ErrExpired), errors.Is(err, saml.ErrNotYetValid):
		return CodeExpired, true
	case errors.Is(err, saml.ErrAudience):
		return CodeAudience, true
	case errors.Is(err, saml.ErrReplay):
		return CodeReplayed, true
	case errors.Is(err, saml.ErrReplayCache):
		return CodeUnavailable, true
	case errors.Is(err, saml.ErrInResponseTo), errors.Is(err, saml.ErrUnsolicited):
		return CodeInvalidState, true
	case errors.Is(err, saml.ErrStatus):
		return CodeIdPRefused, true
	case errors.Is(err, saml.ErrBadRequest), errors.Is(err, saml.ErrTooLarge):
		return CodeBadRequest, true
	case errors.Is(err, saml.ErrConfig), errors.Is(err, saml.ErrMetadata):
		return CodeConfig, true
	case errors.Is(err, saml.ErrMalformed), errors.Is(err, saml.ErrForbiddenXML), errors.Is(err, saml.ErrIssuer),
		errors.Is(err, saml.ErrDestination), errors.Is(err, saml.ErrRecipient), errors.Is(err, saml.ErrSubject),
		errors.Is(err, saml.ErrDuplicateAttribute), errors.Is(err, saml.ErrDecrypt):
		return CodeIdentity, true
	}
	return "", false
}

func jwtCode(err error) (Code, bool) {
	switch {
	case errors.Is(err, jwtsso.ErrBadSignature), errors.Is(err, jwtsso.ErrAlgorithm), errors.Is(err, jwtsso.ErrUnknownKey):
		return CodeSignature, true
	case errors.Is(err, jwtsso.ErrStale), errors.Is(err, jwtsso.ErrExpired),
		errors.Is(err, jwtsso.ErrIssuedInFuture), errors.Is(err, jwtsso.ErrNotYetValid):
		return CodeExpired, true
	case errors.Is(err, jwtsso.ErrReplayed):
		return CodeReplayed, true
	case errors.Is(err, jwtsso.ErrAudience):
		return CodeAudience, true
	case errors.Is(err, jwtsso.ErrInvalidEmail):
		return CodeInvalidEmail, true
	case errors.Is(err, jwtsso.ErrReturnTo):
		return CodeInvalidReturnTo, true
	case errors.Is(err, jwtsso.ErrReplayCache), errors.Is(err, jwtsso.ErrKeySet):
		return CodeUnavailable, true
	case errors.Is(err, jwtsso.ErrConfig):
		return CodeConfig, true
	case errors.Is(err, jwtsso.ErrTokenTooLarge), errors.Is(err, jwtsso.ErrMalformed),
		errors.Is(err, jwtsso.ErrMissingClaim), errors.Is(err, jwtsso.ErrIssuer):
		return CodeIdentity, true
	}
	return "", false
}
