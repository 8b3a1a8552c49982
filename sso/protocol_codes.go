package sso

// protocolCode maps errors of the SAML and JWT verifiers to codes.
func protocolCode(err error) (Code, bool) { return "", false }
