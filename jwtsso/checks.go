package jwtsso

import (
	"slices"
	"strings"
	"time"
)

// checkClaims applies the time, issuer, audience and email rules and
// normalises the email.
func (v *Verifier) checkClaims(c *Claims, now time.Time) error {
	if err := v.checkTimes(c, now); err != nil {
		return err
	}
	if v.cfg.Issuer != "" && c.Issuer != v.cfg.Issuer {
		return &IssuerError{Got: c.Issuer, Want: v.cfg.Issuer}
	}
	if v.cfg.Audience != "" && !slices.Contains(c.Audience, v.cfg.Audience) {
		return &AudienceError{Got: c.Audience, Want: v.cfg.Audience}
	}
	email, err := NormalizeEmail(c.Email)
	if err != nil {
		return err
	}
	c.Email = email
	return nil
}

// checkTimes requires iat within the margin of now (both directions),
// exp in the future, and nbf no later than now plus the margin.
func (v *Verifier) checkTimes(c *Claims, now time.Time) error {
	m := v.cfg.IssuedAtMargin
	switch {
	case now.Sub(c.IssuedAt) >= m:
		return &TimeError{Claim: "iat", Value: c.IssuedAt, Now: now, Margin: m, kind: ErrStale}
	case c.IssuedAt.Sub(now) > m:
		return &TimeError{Claim: "iat", Value: c.IssuedAt, Now: now, Margin: m, kind: ErrIssuedInFuture}
	case !c.Expires.IsZero() && !now.Before(c.Expires):
		return &TimeError{Claim: "exp", Value: c.Expires, Now: now, kind: ErrExpired}
	case !c.NotBefore.IsZero() && now.Add(m).Before(c.NotBefore):
		return &TimeError{Claim: "nbf", Value: c.NotBefore, Now: now, Margin: m, kind: ErrNotYetValid}
	}
	return nil
}

// maxEmailLen is the longest address SMTP can carry (RFC 5321).
const maxEmailLen = 254

// NormalizeEmail trims s and lower-cases it, and checks that it is a plain
// address local@domain: no display name, comment, quotes, whitespace or
// control characters, one @, a dotted ASCII domain. An empty s gives a
// *MissingClaimError, anything else wrong an *EmailError.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", &MissingClaimError{Claim: "email"}
	}
	if len(s) > maxEmailLen {
		return "", &EmailError{Reason: "longer than 254 bytes"}
	}
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case !ok || strings.Contains(domain, "@"):
		return "", &EmailError{Reason: "needs exactly one @"}
	case !validLocal(local):
		return "", &EmailError{Reason: "invalid local part"}
	case !validDomain(domain):
		return "", &EmailError{Reason: "invalid domain"}
	}
	return s, nil
}

func validLocal(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`"(),:;<>[\]`, r) {
			return false
		}
	}
	return true
}

func validDomain(s string) bool {
	labels := 0
	for rest := s; ; labels++ {
		l, tail, more := strings.Cut(rest, ".")
		if !validLabel(l) {
			return false
		}
		if !more {
			return labels >= 1
		}
		rest = tail
	}
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if b := l[i]; !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-') {
			return false
		}
	}
	return true
}
