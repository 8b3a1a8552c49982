package jwtsso

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Claims is what a verified token says. The typed fields are the claims
// this package checks; Raw keeps every claim exactly as the partner sent it.
type Claims struct {
	// Email is the user's address, trimmed and lower-cased. It identifies
	// the user; no account is created from it by this package.
	Email string
	// JTI is the token id, as sent.
	JTI string
	// IssuedAt is iat.
	IssuedAt time.Time
	// Expires is exp; zero when the token has none.
	Expires time.Time
	// NotBefore is nbf; zero when the token has none.
	NotBefore time.Time
	// Issuer is iss; empty when absent.
	Issuer string
	// Subject is sub; empty when absent.
	Subject string
	// Audience is aud (a single string becomes a one-element list).
	Audience []string
	// KeyID is the ID of the configured key that verified the token
	// (empty for a key configured without ID).
	KeyID string
	// Algorithm is the JWS algorithm that verified the token.
	Algorithm string
	// Raw is the verified payload: a JSON object with every claim.
	Raw json.RawMessage
}

// Map decodes Raw into a map, for hosts that map arbitrary claims.
func (c *Claims) Map() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(c.Raw, &m); err != nil {
		return nil, &MalformedError{Reason: "payload is not a JSON object", Err: err}
	}
	return m, nil
}

// maxEpoch bounds numeric dates (year 5138) so conversions cannot
// overflow.
const maxEpoch = 1e11

// claimSet is the decoding target of a payload. encoding/json matches
// object keys to these fields case-insensitively (the IT Glue document
// sends "Jti" and "Email"), and calls a slot once per matching key, so a
// claim sent twice (even as "email" and "Email") is seen and rejected as
// ambiguous. Other claims are skipped here and stay in Claims.Raw.
type claimSet struct {
	Iat   dateSlot   `json:"iat"`
	Exp   dateSlot   `json:"exp"`
	Nbf   dateSlot   `json:"nbf"`
	Jti   stringSlot `json:"jti"`
	Email stringSlot `json:"email"`
	Iss   stringSlot `json:"iss"`
	Sub   stringSlot `json:"sub"`
	Aud   audSlot    `json:"aud"`
}

// slot counts how often a claim occurred and whether it had the wrong type.
type slot struct {
	n   int
	bad bool
}

func (s *slot) problem(name, want string) error {
	switch {
	case s.n > 1:
		return &MalformedError{Reason: fmt.Sprintf("claim %q given more than once", name)}
	case s.bad:
		return &MalformedError{Reason: fmt.Sprintf("claim %q is not %s", name, want)}
	}
	return nil
}

// dateSlot holds a NumericDate: seconds since the epoch, possibly
// fractional, within [0, maxEpoch].
type dateSlot struct {
	slot
	t time.Time
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *dateSlot) UnmarshalJSON(b []byte) error {
	d.n++
	// b is valid JSON, so ParseFloat succeeds exactly for JSON numbers.
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > maxEpoch {
		d.bad = true
		return nil
	}
	sec := math.Floor(f)
	d.t = time.Unix(int64(sec), int64((f-sec)*1e9))
	return nil
}

// stringSlot holds a JSON string.
type stringSlot struct {
	slot
	s string
}

// UnmarshalJSON implements json.Unmarshaler. b is a JSON value that
// encoding/json already validated.
func (s *stringSlot) UnmarshalJSON(b []byte) error {
	s.n++
	if b[0] != '"' {
		s.bad = true
		return nil
	}
	// Without escapes and with valid UTF-8 the content is the bytes
	// between the quotes; otherwise encoding/json unquotes it.
	if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		s.s = string(inner)
		return nil
	}
	s.bad = json.Unmarshal(b, &s.s) != nil
	return nil
}

// audSlot holds aud: a string or an array of strings.
type audSlot struct {
	slot
	list []string
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *audSlot) UnmarshalJSON(b []byte) error {
	a.n++
	switch b[0] {
	case '"':
		var s stringSlot
		_ = s.UnmarshalJSON(b)
		a.list, a.bad = []string{s.s}, s.bad
	case '[':
		a.bad = json.Unmarshal(b, &a.list) != nil
	default:
		a.bad = true
	}
	return nil
}

// parseClaims decodes the verified payload, which must be a JSON object.
func parseClaims(payload []byte) (*Claims, error) {
	trimmed := bytes.TrimLeft(payload, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, &MalformedError{Reason: "payload is not a JSON object"}
	}
	var cs claimSet
	if err := json.Unmarshal(payload, &cs); err != nil {
		return nil, &MalformedError{Reason: "payload is not a JSON object", Err: err}
	}
	if err := cs.problem(); err != nil {
		return nil, err
	}
	c := &Claims{
		Raw: payload, IssuedAt: cs.Iat.t, Expires: cs.Exp.t, NotBefore: cs.Nbf.t,
		JTI: cs.Jti.s, Email: cs.Email.s, Issuer: cs.Iss.s, Subject: cs.Sub.s, Audience: cs.Aud.list,
	}
	switch {
	case cs.Iat.n == 0:
		return nil, &MissingClaimError{Claim: "iat"}
	case c.JTI == "":
		return nil, &MissingClaimError{Claim: "jti"}
	}
	// A missing or blank email is reported by NormalizeEmail.
	return c, nil
}

// problem reports the first claim sent twice or with the wrong type.
func (cs *claimSet) problem() error {
	for _, err := range [...]error{
		cs.Iat.problem("iat", "a number"), cs.Exp.problem("exp", "a number"), cs.Nbf.problem("nbf", "a number"),
		cs.Jti.problem("jti", "a string"), cs.Email.problem("email", "a string"),
		cs.Iss.problem("iss", "a string"), cs.Sub.problem("sub", "a string"),
		cs.Aud.problem("aud", "a string or a list of strings"),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
