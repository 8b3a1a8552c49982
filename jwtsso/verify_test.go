package jwtsso_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/ssokit/ssokit/jwtsso"
)

func TestVerifyAcceptsPartnerToken(t *testing.T) {
	v, _ := newVerifier(t, nil)
	c := mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["email"] = " Someone@Example.COM " })))
	if c.Email != "someone@example.com" {
		t.Errorf("Email = %q; want trimmed, lower-cased address", c.Email)
	}
	if c.JTI != "1795003200/abc" || !c.IssuedAt.Equal(t0) || c.Algorithm != "HS256" {
		t.Errorf("claims = %+v", c)
	}
	m, err := c.Map()
	if err != nil || m["email"] != " Someone@Example.COM " {
		t.Errorf("Map() = %v, %v; want the claims as sent", m, err)
	}
}

func TestVerifyAcceptsCapitalisedClaimNames(t *testing.T) {
	// The IT Glue document's example payload: {"iat":..., "Jti":..., "Email":...}.
	v, _ := newVerifier(t, nil)
	c := mustVerify(t, v, hs256(t, map[string]any{
		"iat": t0.Unix(), "Jti": "1795003200/xyz", "Email": "someone@example.com",
	}))
	if c.JTI != "1795003200/xyz" || c.Email != "someone@example.com" {
		t.Fatalf("claims = %+v; want Jti and Email read", c)
	}
}

// verifyRule is one security rule: a token that breaks it must be rejected
// with the named error.
type verifyRule struct {
	name   string
	change func(*jwtsso.Config)
	token  func(t *testing.T) string
	want   error
}

func TestVerifyRejects(t *testing.T) {
	rules := append(append(append(headerRules(), timeRules()...), claimRules()...), issuerRules()...)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			v, _ := newVerifier(t, r.change)
			_, err := v.Verify(context.Background(), r.token(t))
			wantErr(t, err, r.want)
		})
	}
}

func headerRules() []verifyRule {
	long := []byte(strings.Repeat("k", 64))
	return []verifyRule{
		{name: "alg none is rejected", want: jwtsso.ErrAlgorithm, token: func(t *testing.T) string {
			return unsigned(`{"alg":"none","typ":"JWT"}`, `{"iat":1795003200,"jti":"a","email":"a@example.com"}`)
		}},
		{name: "alg None in other case is rejected", want: jwtsso.ErrAlgorithm, token: func(t *testing.T) string {
			return unsigned(`{"alg":"None"}`, `{"iat":1795003200,"jti":"a","email":"a@example.com"}`)
		}},
		{name: "alg missing is rejected", want: jwtsso.ErrAlgorithm, token: func(t *testing.T) string {
			return unsigned(`{"typ":"JWT"}`, `{"iat":1795003200,"jti":"a","email":"a@example.com"}`)
		}},
		{name: "alg outside the allow-list is rejected even with the right secret", want: jwtsso.ErrAlgorithm,
			change: func(c *jwtsso.Config) { c.Keys = []jwtsso.Key{{Secret: long}} },
			token:  func(t *testing.T) string { return sign(t, jwa.HS512, long, claims(), nil) }},
		{name: "kid naming a key of another algorithm is rejected", want: jwtsso.ErrAlgorithm,
			change: func(c *jwtsso.Config) {
				c.Algorithms = []string{"HS256", "HS512"}
				c.Keys = []jwtsso.Key{{ID: "k1", Secret: long, Algorithm: "HS512"}}
			},
			token: func(t *testing.T) string {
				return sign(t, jwa.HS256, long, claims(), map[string]any{"kid": "k1"})
			}},
		{name: "bad signature is rejected", want: jwtsso.ErrBadSignature, token: func(t *testing.T) string {
			return sign(t, jwa.HS256, []byte(strings.Repeat("x", 32)), claims(), nil)
		}},
		{name: "tampered payload is rejected", want: jwtsso.ErrBadSignature, token: func(t *testing.T) string {
			good := strings.Split(hs256(t, claims()), ".")
			evil := strings.Split(hs256(t, with(func(m map[string]any) { m["email"] = "boss@example.com" })), ".")
			return good[0] + "." + evil[1] + "." + good[2]
		}},
		{name: "unknown kid is rejected", want: jwtsso.ErrUnknownKey, token: func(t *testing.T) string {
			return sign(t, jwa.HS256, secret, claims(), map[string]any{"kid": "nope"})
		}},
		{name: "oversized token is rejected before parsing", want: jwtsso.ErrTokenTooLarge,
			change: func(c *jwtsso.Config) { c.MaxTokenSize = 512 },
			token: func(t *testing.T) string {
				return hs256(t, with(func(m map[string]any) { m["pad"] = strings.Repeat("p", 600) }))
			}},
		{name: "garbage is malformed", want: jwtsso.ErrMalformed, token: func(t *testing.T) string { return "a.b" }},
		{name: "JSON serialization is rejected", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			p := strings.Split(hs256(t, claims()), ".")
			return `{"payload":"` + p[1] + `","protected":"` + p[0] + `","signature":"` + p[2] + `"}`
		}},
		{name: "b64 header is rejected", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			return sign(t, jwa.HS256, secret, claims(), map[string]any{"b64": true})
		}},
		{name: "crit header is rejected", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			return sign(t, jwa.HS256, secret, claims(), map[string]any{"crit": []string{"exp"}})
		}},
	}
}

func timeRules() []verifyRule {
	at := func(d time.Duration, key string) func(*testing.T) string {
		return func(t *testing.T) string {
			return hs256(t, with(func(m map[string]any) { m[key] = t0.Add(d).Unix() }))
		}
	}
	return []verifyRule{
		{name: "iat older than the margin is stale", want: jwtsso.ErrStale, token: at(-2*time.Minute, "iat")},
		{name: "iat exactly one margin old is stale", want: jwtsso.ErrStale, token: at(-time.Minute, "iat")},
		{name: "iat further ahead than the margin is rejected", want: jwtsso.ErrIssuedInFuture, token: at(61*time.Second, "iat")},
		{name: "iat beyond a configured margin is stale", want: jwtsso.ErrStale, token: at(-11*time.Second, "iat"),
			change: func(c *jwtsso.Config) { c.IssuedAtMargin = 10 * time.Second }},
		{name: "exp passed is rejected", want: jwtsso.ErrExpired, token: at(-time.Second, "exp")},
		{name: "exp equal to now is rejected", want: jwtsso.ErrExpired, token: at(0, "exp")},
		{name: "nbf beyond the margin is rejected", want: jwtsso.ErrNotYetValid, token: at(2*time.Minute, "nbf")},
	}
}

func claimRules() []verifyRule {
	without := func(key string) func(*testing.T) string {
		return func(t *testing.T) string { return hs256(t, with(func(m map[string]any) { delete(m, key) })) }
	}
	set := func(key string, val any) func(*testing.T) string {
		return func(t *testing.T) string { return hs256(t, with(func(m map[string]any) { m[key] = val })) }
	}
	rules := []verifyRule{
		{name: "iat missing is rejected", want: jwtsso.ErrMissingClaim, token: without("iat")},
		{name: "jti missing is rejected", want: jwtsso.ErrMissingClaim, token: without("jti")},
		{name: "jti empty is rejected", want: jwtsso.ErrMissingClaim, token: set("jti", "")},
		{name: "email missing is rejected", want: jwtsso.ErrMissingClaim, token: without("email")},
		{name: "email blank is rejected", want: jwtsso.ErrMissingClaim, token: set("email", "  ")},
		{name: "iat as a string is malformed", want: jwtsso.ErrMalformed, token: set("iat", "1795003200")},
		{name: "iat beyond year 5138 is malformed", want: jwtsso.ErrMalformed, token: set("iat", 1e12)},
		{name: "negative iat is malformed", want: jwtsso.ErrMalformed, token: set("iat", -1)},
		{name: "iat as true is malformed", want: jwtsso.ErrMalformed, token: set("iat", true)},
		{name: "jti sent twice is malformed", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			return hs256(t, []byte(`{"iat":`+strconv.FormatInt(t0.Unix(), 10)+`,"jti":"a","jti":"b","email":"a@example.com"}`))
		}},
		{name: "jti as a number is malformed", want: jwtsso.ErrMalformed, token: set("jti", 7)},
		{name: "email as a list is malformed", want: jwtsso.ErrMalformed, token: set("email", []string{"a@example.com"})},
		{name: "email twice under different case is ambiguous", want: jwtsso.ErrMalformed, token: set("Email", "boss@example.com")},
		{name: "jti twice under different case is ambiguous", want: jwtsso.ErrMalformed, token: set("JTI", "other")},
		{name: "payload that is not an object is malformed", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			return hs256(t, []byte(`["iat"]`))
		}},
		{name: "null payload is malformed", want: jwtsso.ErrMalformed, token: func(t *testing.T) string {
			return hs256(t, []byte(`null`))
		}},
	}
	for _, bad := range []string{"no-at-sign", "a@b", "a@@example.com", "Some One <a@example.com>",
		"a b@example.com", "a@exa mple.com", "a@example..com", ".a@example.com", "a\x00@example.com", "a@-x.com"} {
		rules = append(rules, verifyRule{name: "invalid email " + strings.ReplaceAll(bad, "\x00", `\0`) + " is rejected",
			want: jwtsso.ErrInvalidEmail, token: set("email", bad)})
	}
	return rules
}

func issuerRules() []verifyRule {
	iss := func(c *jwtsso.Config) { c.Issuer = "https://partner.example.com" }
	aud := func(c *jwtsso.Config) { c.Audience = "https://tenant.example.com" }
	set := func(key string, val any) func(*testing.T) string {
		return func(t *testing.T) string { return hs256(t, with(func(m map[string]any) { m[key] = val })) }
	}
	return []verifyRule{
		{name: "issuer mismatch is rejected when configured", want: jwtsso.ErrIssuer, change: iss, token: set("iss", "https://evil.example.com")},
		{name: "issuer missing is rejected when configured", want: jwtsso.ErrIssuer, change: iss, token: set("x", 1)},
		{name: "audience mismatch is rejected when configured", want: jwtsso.ErrAudience, change: aud, token: set("aud", "https://other.example.com")},
		{name: "audience list without ours is rejected", want: jwtsso.ErrAudience, change: aud, token: set("aud", []string{"a", "b"})},
		{name: "audience missing is rejected when configured", want: jwtsso.ErrAudience, change: aud, token: set("x", 1)},
	}
}

func TestVerifyAcceptsWithinRules(t *testing.T) {
	cases := []struct {
		name   string
		change func(*jwtsso.Config)
		claims map[string]any
	}{
		{"iat just inside the margin in the past", nil, with(func(m map[string]any) { m["iat"] = t0.Add(-59 * time.Second).Unix() })},
		{"iat inside the margin in the future", nil, with(func(m map[string]any) { m["iat"] = t0.Add(time.Minute).Unix() })},
		{"fractional iat", nil, with(func(m map[string]any) { m["iat"] = float64(t0.Unix()) + 0.5 })},
		{"exp in the future", nil, with(func(m map[string]any) { m["exp"] = t0.Add(time.Second).Unix() })},
		{"matching issuer and audience list", func(c *jwtsso.Config) { c.Issuer, c.Audience = "p", "us" },
			with(func(m map[string]any) { m["iss"], m["aud"] = "p", []string{"x", "us"} })},
		{"unknown extra claims", nil, with(func(m map[string]any) { m["name"], m["groups"] = "Some One", []int{1} })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newVerifier(t, tc.change)
			mustVerify(t, v, hs256(t, tc.claims))
		})
	}
}

func TestVerifyTypedErrors(t *testing.T) {
	v, _ := newVerifier(t, nil)
	ctx := context.Background()

	_, err := v.Verify(ctx, hs256(t, with(func(m map[string]any) { m["iat"] = t0.Add(-time.Hour).Unix() })))
	var te *jwtsso.TimeError
	if !errors.As(err, &te) || te.Claim != "iat" || te.Margin != time.Minute || !te.Now.Equal(t0) {
		t.Errorf("stale: err = %#v; want *TimeError for iat", err)
	}
	_, err = v.Verify(ctx, hs256(t, with(func(m map[string]any) { delete(m, "email") })))
	var mc *jwtsso.MissingClaimError
	if !errors.As(err, &mc) || mc.Claim != "email" {
		t.Errorf("missing email: err = %v; want *MissingClaimError{email}", err)
	}
	_, err = v.Verify(ctx, sign(t, jwa.HS256, secret, claims(), map[string]any{"kid": "k9"}))
	var uk *jwtsso.UnknownKeyError
	if !errors.As(err, &uk) || uk.KeyID != "k9" {
		t.Errorf("unknown key: err = %v; want *UnknownKeyError{k9}", err)
	}
	_, err = v.Verify(ctx, sign(t, jwa.HS256, []byte(strings.Repeat("z", 32)), claims(), nil))
	var se *jwtsso.SignatureError
	if !errors.As(err, &se) || se.Err == nil {
		t.Errorf("bad signature: err = %v; want *SignatureError with the library's cause", err)
	}
	_, err = v.Verify(ctx, unsigned(`{"alg":"none"}`, `{}`))
	var ae *jwtsso.AlgorithmError
	if !errors.As(err, &ae) || ae.Got != "none" {
		t.Errorf("alg none: err = %v; want *AlgorithmError{Got: none}", err)
	}
}
