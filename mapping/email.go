package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on email addresses (RFC 5321); the whole-address limit also
// bounds the domain.
const (
	maxEmailLen = 254
	maxLocalLen = 64
	maxLabelLen = 63
)

// NormalizeEmail trims surrounding blanks, lower-cases s and checks that
// the result is one plain address (an addr-spec): a dot-atom local part,
// "@", and a domain of at least two dot-separated labels. Display names,
// angle brackets, quoted local parts, comments, domain literals and lists
// are refused, although net/mail accepts some of them: an identity
// provider that sends one is misconfigured. The error is an
// [*EmailError] wrapping [ErrInvalidEmail].
func NormalizeEmail(s string) (string, error) {
	e := strings.TrimSpace(s)
	if len(e) > maxEmailLen {
		return "", &EmailError{Value: e[:maxEmailLen], Reason: "longer than 254 bytes"}
	}
	e = strings.ToLower(e)
	if reason := checkEmail(e); reason != "" {
		return "", &EmailError{Value: e, Reason: reason}
	}
	return e, nil
}

// checkEmail returns why e is not a plain addr-spec, or "".
func checkEmail(e string) string {
	switch {
	case e == "":
		return "empty"
	case len(e) > maxEmailLen:
		return "longer than 254 bytes"
	case !utf8.ValidString(e):
		return "not valid UTF-8"
	}
	at := strings.IndexByte(e, '@')
	if at < 0 {
		return "no '@'"
	}
	if strings.IndexByte(e[at+1:], '@') >= 0 {
		return "more than one '@'"
	}
	if r := checkLocal(e[:at]); r != "" {
		return r
	}
	return checkDomain(e[at+1:])
}

func checkLocal(l string) string {
	switch {
	case l == "":
		return "empty local part"
	case len(l) > maxLocalLen:
		return "local part longer than 64 bytes"
	case l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, ".."):
		return "misplaced '.' in the local part"
	}
	for _, r := range l {
		if r != '.' && !isAtext(r) {
			return "character " + quoteRune(r) + " not allowed in the local part"
		}
	}
	return ""
}

// isAtext reports RFC 5322 atext, extended by RFC 6531 to non-ASCII
// letters and digits.
func isAtext(r rune) bool {
	if r >= utf8.RuneSelf {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

func checkDomain(d string) string {
	if d == "" {
		return "empty domain"
	}
	labels := 0
	last := ""
	for label := range strings.SplitSeq(d, ".") {
		if r := checkLabel(label); r != "" {
			return r
		}
		labels++
		last = label
	}
	if labels < 2 {
		return "domain has no '.'"
	}
	if strings.Trim(last, "0123456789") == "" {
		return "domain ends with a numeric label"
	}
	return ""
}

func checkLabel(l string) string {
	switch {
	case l == "":
		return "empty domain label"
	case len(l) > maxLabelLen:
		return "domain label longer than 63 bytes"
	case l[0] == '-' || l[len(l)-1] == '-':
		return "domain label starts or ends with '-'"
	}
	for _, r := range l {
		ok := r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' ||
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
		if !ok {
			return "character " + quoteRune(r) + " not allowed in the domain"
		}
	}
	return ""
}

func quoteRune(r rune) string { return q(string(r)) }
