package sso

import (
	"github.com/ssokit/ssokit/jwtsso"
)

// ReturnToChecker approves the return_to of a login: it returns the URL to
// redirect to after the login, or an error for a value that could send the
// user elsewhere (an open redirect).
type ReturnToChecker interface {
	CheckReturnTo(raw string) (string, error)
}

// SameOrigin accepts a path or an absolute URL on Origin
// (scheme://host[:port]) and returns it as an absolute URL on Origin; the
// rules are [jwtsso.CheckReturnTo]'s. It is the default checker, with the
// origin of Config.BaseURL.
type SameOrigin struct {
	Origin string
}

// CheckReturnTo implements [ReturnToChecker].
func (s SameOrigin) CheckReturnTo(raw string) (string, error) {
	return jwtsso.CheckReturnTo(s.Origin, raw)
}

// returnTo validates raw, "" giving the default.
func (h *Handler) returnTo(raw string) (string, error) {
	if raw == "" {
		return h.cfg.DefaultReturnTo, nil
	}
	v, err := h.cfg.ReturnTo.CheckReturnTo(raw)
	if err != nil {
		return "", newError(CodeInvalidReturnTo, err)
	}
	return v, nil
}
