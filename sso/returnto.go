package sso

import (
	"errors"
	"strings"
)

// ReturnToChecker approves the return_to of a login: it returns the URL to
// redirect to after the login, or an error for a value that could send the
// user elsewhere (an open redirect).
type ReturnToChecker interface {
	CheckReturnTo(raw string) (string, error)
}

// ErrReturnTo is wrapped by return_to refusals of [LocalPaths].
var ErrReturnTo = errors.New("sso: return_to not allowed")

// LocalPaths accepts only absolute paths on the host itself ("/x?y"), never
// a URL with a scheme or host, a scheme-relative "//host" or a backslash.
type LocalPaths struct{}

// CheckReturnTo implements [ReturnToChecker].
func (LocalPaths) CheckReturnTo(raw string) (string, error) {
	if len(raw) > 2048 || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") ||
		strings.ContainsAny(raw, "\\") {
		return "", ErrReturnTo
	}
	for _, r := range raw {
		if r < 0x20 || r == 0x7f {
			return "", ErrReturnTo
		}
	}
	return raw, nil
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
