package jwtsso

import (
	"net/url"
	"strings"
)

// maxReturnToLen bounds a return_to value.
const maxReturnToLen = 2048

// LoginURL is Config.RemoteLoginURL with a return_to parameter added (kept
// from the URL's own query otherwise). returnTo is checked with ReturnTo
// first, so the partner only ever sees a URL on the tenant's origin; an
// empty returnTo adds no parameter.
func (v *Verifier) LoginURL(returnTo string) (string, error) {
	if v.login == nil {
		return "", &ConfigError{Problems: []string{"RemoteLoginURL not configured"}}
	}
	u := *v.login
	if returnTo != "" {
		safe, err := v.ReturnTo(returnTo)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set("return_to", safe)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// ReturnTo checks a return_to value coming back from the partner and
// returns an absolute URL on Config.Origin to redirect to. An empty value
// gives the origin's root. See CheckReturnTo for the rules.
func (v *Verifier) ReturnTo(raw string) (string, error) {
	if v.origin == nil {
		return "", &ReturnToError{Value: raw, Reason: "no Origin configured"}
	}
	return checkReturnTo(v.origin, raw)
}

// CheckReturnTo returns raw as an absolute URL on origin
// (scheme://host[:port]), or a *ReturnToError when following it could lead
// anywhere else. Accepted: a path starting with a single "/", or an
// absolute URL with origin's scheme and host. Refused: other hosts or
// schemes (javascript:, data:), scheme-relative "//host", backslashes
// (browsers read "\" as "/"), control characters and whitespace, userinfo,
// and the same tricks percent-encoded.
func CheckReturnTo(origin, raw string) (string, error) {
	o, err := url.Parse(origin)
	if err != nil || o.Scheme == "" || o.Host == "" {
		return "", &ReturnToError{Value: raw, Reason: "invalid origin"}
	}
	return checkReturnTo(&url.URL{Scheme: o.Scheme, Host: o.Host}, raw)
}

func checkReturnTo(origin *url.URL, raw string) (string, error) {
	reject := func(reason string) (string, error) {
		return "", &ReturnToError{Value: raw, Reason: reason}
	}
	if raw == "" {
		return origin.String() + "/", nil
	}
	if len(raw) > maxReturnToLen {
		return reject("too long")
	}
	if reason := unsafeText(raw); reason != "" {
		return reject(reason)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return reject("not a URL")
	}
	if reason := offOrigin(origin, u); reason != "" {
		return reject(reason)
	}
	u.Scheme, u.Host = origin.Scheme, origin.Host
	return u.String(), nil
}

// unsafeText refuses characters that browsers strip or reinterpret, in the
// raw value and after percent-decoding (up to three rounds, for values a
// later hop might decode again).
func unsafeText(raw string) string {
	s := raw
	for range 3 {
		for i := 0; i < len(s); i++ {
			if b := s[i]; b <= ' ' || b == 0x7f {
				return "control character or whitespace"
			}
			if s[i] == '\\' {
				return "backslash"
			}
		}
		if strings.HasPrefix(s, "//") {
			return "scheme-relative URL"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "bad percent-encoding"
		}
		if d == s {
			return ""
		}
		s = d
	}
	return "encoded more than three times"
}

// offOrigin explains why u leaves origin, or returns "".
func offOrigin(origin, u *url.URL) string {
	switch {
	case u.Scheme != "" && !strings.EqualFold(u.Scheme, origin.Scheme):
		return "scheme " + u.Scheme + " not allowed"
	case u.User != nil:
		return "userinfo not allowed"
	case u.Scheme == "" && u.Host != "":
		return "scheme-relative URL"
	case u.Scheme == "" && !strings.HasPrefix(u.Path, "/"):
		return "relative path"
	case u.Scheme != "" && !sameHost(u, origin):
		return "other host"
	}
	return ""
}

// sameHost compares host names case-insensitively and ports with the
// scheme's default filled in.
func sameHost(u, origin *url.URL) bool {
	return strings.EqualFold(u.Hostname(), origin.Hostname()) && portOf(u) == portOf(origin)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}
