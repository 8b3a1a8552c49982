package jwtsso

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
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

// claimNames are the claims read into Claims, matched case-insensitively
// (the IT Glue document sends "Jti" and "Email").
var claimNames = [...]string{"iat", "exp", "nbf", "jti", "email", "iss", "sub", "aud"}

// maxEpoch bounds numeric dates (year 5138) so conversions cannot
// overflow.
const maxEpoch = 1e11

// parseClaims decodes the verified payload. A claim given twice under names
// that differ only in case is ambiguous and rejected.
func parseClaims(payload []byte) (*Claims, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, &MalformedError{Reason: "payload is not a JSON object", Err: err}
	}
	var found [len(claimNames)]json.RawMessage
	for name, raw := range obj {
		for i, want := range claimNames {
			if !strings.EqualFold(name, want) {
				continue
			}
			if found[i] != nil {
				return nil, &MalformedError{Reason: fmt.Sprintf("claim %q given twice (names differ only in case)", want)}
			}
			found[i] = raw
		}
	}
	c := &Claims{Raw: payload}
	return c, c.fill(found)
}

func (c *Claims) fill(f [len(claimNames)]json.RawMessage) error {
	var err error
	set := func(e error) {
		if err == nil {
			err = e
		}
	}
	c.IssuedAt, _ = numericDate("iat", f[0], set)
	c.Expires, _ = numericDate("exp", f[1], set)
	c.NotBefore, _ = numericDate("nbf", f[2], set)
	c.JTI = stringClaim("jti", f[3], set)
	c.Email = stringClaim("email", f[4], set)
	c.Issuer = stringClaim("iss", f[5], set)
	c.Subject = stringClaim("sub", f[6], set)
	c.Audience = audience(f[7], set)
	if err != nil {
		return err
	}
	return c.required(f)
}

// required checks iat and jti; a missing or blank email is reported by
// NormalizeEmail.
func (c *Claims) required(f [len(claimNames)]json.RawMessage) error {
	switch {
	case f[0] == nil:
		return &MissingClaimError{Claim: "iat"}
	case c.JTI == "":
		return &MissingClaimError{Claim: "jti"}
	}
	return nil
}

// numericDate reads a NumericDate (seconds since the epoch, possibly
// fractional). A missing claim gives the zero time.
func numericDate(name string, raw json.RawMessage, fail func(error)) (time.Time, bool) {
	if raw == nil {
		return time.Time{}, false
	}
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		fail(&MalformedError{Reason: fmt.Sprintf("claim %q is not a number", name)})
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxEpoch {
		fail(&MalformedError{Reason: fmt.Sprintf("claim %q is out of range", name), Err: err})
		return time.Time{}, false
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), true
}

// stringClaim reads a JSON string; a missing claim gives "".
func stringClaim(name string, raw json.RawMessage, fail func(error)) string {
	if raw == nil {
		return ""
	}
	if raw[0] != '"' {
		fail(&MalformedError{Reason: fmt.Sprintf("claim %q is not a string", name)})
		return ""
	}
	// raw is a JSON string that encoding/json already validated. Without
	// escapes and with valid UTF-8 its content is the bytes between the
	// quotes; otherwise let encoding/json unquote it.
	if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		fail(&MalformedError{Reason: fmt.Sprintf("claim %q is not a string", name), Err: err})
	}
	return s
}

// audience reads aud: a string or an array of strings.
func audience(raw json.RawMessage, fail func(error)) []string {
	if raw == nil {
		return nil
	}
	if raw[0] == '"' {
		return []string{stringClaim("aud", raw, fail)}
	}
	var list []string
	if raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		fail(&MalformedError{Reason: `claim "aud" is not a string or a list of strings`})
	}
	return list
}
