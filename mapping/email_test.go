package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "ann@example.com", "ann@example.com"},
		{"trimmed and lower-cased", "  Ann.Lee@Example.COM\t", "ann.lee@example.com"},
		{"plus and other atext", "a+b!#$%&'*/=?^_`{|}~-@ex.co", "a+b!#$%&'*/=?^_`{|}~-@ex.co"},
		{"subdomains and hyphens", "x@mail.my-corp.co.uk", "x@mail.my-corp.co.uk"},
		{"unicode letters", "jürgen@münchen.de", "jürgen@münchen.de"},
		{"punycode", "x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"},
		{"64-byte local part", strings.Repeat("a", 64) + "@ex.com", strings.Repeat("a", 64) + "@ex.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mapping.NormalizeEmail(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestNormalizeEmailRejects(t *testing.T) {
	tests := []struct{ name, in, reason string }{
		{"empty", "  ", "empty"},
		{"username, not an email", "ann", "no '@'"},
		{"display name", "Ann Lee <ann@example.com>", "not allowed"},
		{"angle brackets", "<ann@example.com>", "not allowed"},
		{"two addresses", "a@x.com, b@y.com", "more than one '@'"},
		{"quoted local part", `"ann lee"@example.com`, "not allowed"},
		{"comment", "ann(x)@example.com", "not allowed"},
		{"domain literal", "ann@[192.0.2.1]", "not allowed"},
		{"no local part", "@example.com", "empty local part"},
		{"no domain", "ann@", "empty domain"},
		{"single-label domain", "ann@localhost", "no '.'"},
		{"numeric top-level label", "ann@192.0.2.1", "numeric"},
		{"leading dot", ".ann@example.com", "'.'"},
		{"trailing dot in local part", "ann.@example.com", "'.'"},
		{"double dot", "a..b@example.com", "'.'"},
		{"empty label", "ann@example..com", "empty domain label"},
		{"trailing dot in domain", "ann@example.com.", "empty domain label"},
		{"hyphen at label start", "ann@-x.com", "'-'"},
		{"underscore in domain", "ann@ex_ample.com", "not allowed"},
		{"inner space", "ann lee@example.com", "not allowed"},
		{"control character", "ann\x00@example.com", "not allowed"},
		{"invalid UTF-8", "ann\xff@example.com", "not allowed"},
		{"local part too long", strings.Repeat("a", 65) + "@ex.com", "64"},
		{"label too long", "a@" + strings.Repeat("b", 64) + ".com", "63"},
		{"address too long", strings.Repeat("a", 60) + "@" + strings.Repeat("bbbbbbbbb.", 20) + "com", "254"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mapping.NormalizeEmail(tc.in)
			if !errors.Is(err, mapping.ErrInvalidEmail) {
				t.Fatalf("err = %v, want ErrInvalidEmail", err)
			}
			var ee *mapping.EmailError
			if !errors.As(err, &ee) || !strings.Contains(ee.Reason, tc.reason) {
				t.Errorf("err = %v, want reason containing %q", err, tc.reason)
			}
		})
	}
}

func TestMapEmail(t *testing.T) {
	tests := []struct {
		name   string
		rules  mapping.Rules
		claims map[string]any
		want   string
		err    error
		claim  string // claim named by the error
	}{
		{"email claim by default", mapping.Rules{}, map[string]any{"email": "Ann@Example.com", "preferred_username": "x@y.z"}, "ann@example.com", nil, ""},
		{"claimMapping email: preferred_username", mapping.Rules{Email: "preferred_username"},
			map[string]any{"preferred_username": "Ann@Corp.onmicrosoft.com"}, "ann@corp.onmicrosoft.com", nil, ""},
		{"preferred_username holding a non-email is an error naming the claim", mapping.Rules{Email: "preferred_username"},
			map[string]any{"preferred_username": "ann", "email": "ann@example.com"}, "", mapping.ErrInvalidEmail, "preferred_username"},
		{"missing email claim", mapping.Rules{}, map[string]any{"name": "Ann"}, "", mapping.ErrMissingClaim, "email"},
		{"email as a list of two", mapping.Rules{}, map[string]any{"email": []any{"a@x.com", "b@x.com"}}, "", mapping.ErrClaimType, "email"},
		{"email as a boolean", mapping.Rules{}, map[string]any{"email": true}, "", mapping.ErrClaimType, "email"},
		{"pattern .* accepts any email", mapping.Rules{EmailPattern: ".*"}, map[string]any{"email": "a@anything.io"}, "a@anything.io", nil, ""},
		{"contiamo pattern accepts its domain", mapping.Rules{EmailPattern: "^.*@contiamo.com$"}, map[string]any{"email": "Ann@Contiamo.com"}, "ann@contiamo.com", nil, ""},
		{"contiamo pattern refuses another domain", mapping.Rules{EmailPattern: "^.*@contiamo.com$"}, map[string]any{"email": "ann@example.com"}, "", mapping.ErrEmailPattern, ""},
		{"contiamo pattern refuses a subdomain", mapping.Rules{EmailPattern: "^.*@contiamo.com$"}, map[string]any{"email": "ann@evil.contiamo.com"}, "", mapping.ErrEmailPattern, ""},
		{"contiamo pattern refuses a suffix", mapping.Rules{EmailPattern: "^.*@contiamo.com$"}, map[string]any{"email": "ann@contiamo.com.evil.io"}, "", mapping.ErrEmailPattern, ""},
		{"unanchored pattern matches anywhere, as in Go", mapping.Rules{EmailPattern: `@contiamo\.com`}, map[string]any{"email": "ann@contiamo.com.evil.io"}, "ann@contiamo.com.evil.io", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := compile(t, tc.rules)
			tc.claims["name"] = "Ann"
			d, err := m.Map(mapping.Claims{IDToken: tc.claims}, nil)
			if !errors.Is(err, tc.err) || d.Email != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", d.Email, err, tc.want, tc.err)
			}
			if tc.claim != "" && !strings.Contains(err.Error(), `"`+tc.claim+`"`) {
				t.Errorf("error %q does not name claim %q", err, tc.claim)
			}
		})
	}
}

func TestMapEmailErrorDetails(t *testing.T) {
	m := compile(t, mapping.Rules{Email: "preferred_username", EmailPattern: "^.*@contiamo.com$"})
	_, err := m.Map(mapping.Claims{IDToken: map[string]any{"preferred_username": " ANN "}}, nil)
	var ee *mapping.EmailError
	if !errors.As(err, &ee) || ee.Claim != "preferred_username" || ee.Value != "ann" {
		t.Fatalf("err = %#v, want EmailError{Claim: preferred_username, Value: ann}", err)
	}
	if strings.Contains(ee.Error(), "ann") {
		t.Errorf("EmailError message quotes the value: %q", ee)
	}
	_, err = m.Map(mapping.Claims{IDToken: map[string]any{"preferred_username": "ann@example.com"}}, nil)
	var pe *mapping.PatternError
	if !errors.As(err, &pe) || pe.Email != "ann@example.com" || pe.Pattern != "^.*@contiamo.com$" {
		t.Fatalf("err = %#v, want PatternError", err)
	}
	if strings.Contains(pe.Error(), "ann@example.com") {
		t.Errorf("PatternError message quotes the email: %q", pe)
	}
}
