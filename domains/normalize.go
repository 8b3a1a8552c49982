package domains

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// MaxInputLen bounds the bytes of a name (or email) accepted before any
// IDNA work. A valid domain is at most 253 ASCII bytes; Unicode input may
// be longer before punycode, so the bound leaves room.
const MaxInputLen = 1024

// profile maps like a lookup (case folding, width mapping) and validates
// like a registration: STD3 letters, digits and hyphens only, hyphen
// rules, bidi rule, DNS lengths. It is immutable and safe to share.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.CheckHyphens(true),
	idna.CheckJoiners(true),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
	idna.Transitional(false),
)

// DefaultConsumerDomains returns the consumer mail domains refused by
// [Normalize] and by every [Service] (see Config.ConsumerDomains). Anyone
// can open an account there, so no tenant may own them. A new slice is
// returned on each call.
func DefaultConsumerDomains() []string {
	return []string{
		"gmail.com", "googlemail.com",
		"outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com",
		"yahoo.com", "ymail.com", "rocketmail.com",
		"icloud.com", "me.com", "mac.com",
		"aol.com", "aim.com",
		"proton.me", "protonmail.com", "protonmail.ch", "pm.me",
		"gmx.com", "gmx.net", "gmx.de", "web.de",
		"mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru",
		"fastmail.com", "tutanota.com", "tuta.io", "hey.com",
		"qq.com", "163.com", "126.com", "naver.com",
	}
}

// Normalize returns the canonical form of a domain name a tenant may own:
// lower case, without a trailing dot, IDN labels in punycode (xn--),
// validated against the DNS and IDNA rules. It refuses public suffixes
// (com, co.uk, github.io) and the [DefaultConsumerDomains] and their
// subdomains. Errors are [*NameError].
func Normalize(name string) (string, error) {
	return normalize(name, defaultConsumers())
}

// defaultConsumers is built once and only read afterwards.
var defaultConsumers = sync.OnceValue(defaultConsumerSet)

// defaultConsumerSet returns a new set of the default consumer domains.
func defaultConsumerSet() map[string]bool {
	set := make(map[string]bool)
	for _, d := range DefaultConsumerDomains() {
		set[d] = true
	}
	return set
}

// normalize applies the syntax rules, then the ownership rules.
func normalize(name string, consumer map[string]bool) (string, error) {
	canon, err := canonical(name)
	if err != nil {
		return "", err
	}
	if err := checkOwnable(canon, consumer); err != nil {
		return "", err
	}
	return canon, nil
}

// canonical applies only the syntax rules.
func canonical(name string) (string, error) {
	if len(name) > MaxInputLen {
		return "", nameErr(name, ErrInvalidName, "longer than 1024 bytes")
	}
	if !utf8.ValidString(name) {
		return "", nameErr(name, ErrInvalidName, "not valid UTF-8")
	}
	s := strings.TrimSuffix(name, ".")
	if s == "" {
		return "", nameErr(name, ErrInvalidName, "empty")
	}
	ascii, err := profile.ToASCII(s)
	if err != nil {
		return "", nameErr(name, ErrInvalidName, "not a valid domain name")
	}
	ascii = strings.ToLower(ascii)
	// The result must itself be valid, so that it is a fixed point: every
	// xn-- label decodes to a valid label.
	if again, err := profile.ToASCII(ascii); err != nil || again != ascii {
		return "", nameErr(name, ErrInvalidName, "not a valid domain name")
	}
	if reason := checkLDH(ascii); reason != "" {
		return "", nameErr(name, ErrInvalidName, reason)
	}
	return ascii, nil
}

// checkLDH re-checks the result in plain ASCII terms, independent of the
// IDNA library: labels of 1 to 63 letters, digits and hyphens,
// no hyphen at either end, at most 253 bytes, a top-level label that is not
// all digits (which would make it an IP address).
func checkLDH(s string) string {
	if len(s) > 253 {
		return "longer than 253 bytes"
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if r := checkLabel(l); r != "" {
			return r
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "top-level label is numeric"
	}
	return ""
}

func checkLabel(l string) string {
	if l == "" || len(l) > 63 {
		return "label must be 1 to 63 bytes"
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return "label starts or ends with a hyphen"
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "label has a character other than a letter, digit or hyphen"
		}
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkOwnable refuses single labels, public suffixes and consumer
// domains (and their subdomains: mail.gmail.com is still Google's).
func checkOwnable(canon string, consumer map[string]bool) error {
	if !strings.Contains(canon, ".") {
		return nameErr(canon, ErrPublicSuffix, "is a top-level name; claim a domain registered under it")
	}
	if suffix, _ := publicsuffix.PublicSuffix(canon); suffix == canon {
		return nameErr(canon, ErrPublicSuffix, "is a public suffix; claim a domain registered under it")
	}
	for d := canon; d != ""; d = parent(d) {
		if consumer[d] {
			return nameErr(canon, ErrConsumerDomain, "is a consumer mail domain that anyone can sign up to")
		}
	}
	return nil
}

// parent returns the name without its first label, or "" for a single
// label.
func parent(name string) string {
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return ""
	}
	return name[i+1:]
}

func nameErr(name string, kind error, reason string) *NameError {
	if len(name) > 256 {
		name = name[:256]
	}
	return &NameError{Name: name, Kind: kind, Reason: reason}
}
