package jwtsso_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
)

// FuzzVerify feeds arbitrary jwt parameters to a real Verifier. It must
// never panic, and whatever it accepts must carry the required claims.
func FuzzVerify(f *testing.F) {
	f.Add(hs256(f, claims()))
	f.Add(hs256(f, map[string]any{"iat": t0.Unix(), "Jti": "x", "Email": "a@example.com"}))
	f.Add(unsigned(`{"alg":"none"}`, `{"iat":1795435200,"jti":"a","email":"a@example.com"}`))
	f.Add(unsigned(`{"alg":"HS256","crit":["b64"],"b64":false}`, `{}`))
	f.Add(`{"payload":"e30","signatures":[]}`)
	f.Add("..")
	f.Add("e30.e30.")
	v, _ := newVerifier(f, func(c *jwtsso.Config) { c.Algorithms = []string{"HS256", "HS384"} })
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token)
		if err != nil {
			return
		}
		if c.Email == "" || c.JTI == "" || c.IssuedAt.IsZero() {
			t.Fatalf("accepted token without required claims: %+v", c)
		}
	})
}

// FuzzReturnTo checks that whatever CheckReturnTo accepts stays on the
// origin and is accepted again unchanged.
func FuzzReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c#d", "https://tenant.example.com/x", "//evil", `/\evil`,
		"javascript:alert(1)", "https://tenant.example.com@evil/", "/%2F%2Fevil", "%5C%5Cevil", "https:evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := jwtsso.CheckReturnTo(origin, raw)
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "https" || u.Host != "tenant.example.com" || u.User != nil || u.Opaque != "" {
			t.Fatalf("CheckReturnTo(%q) = %q: leaves the origin", raw, got)
		}
		if strings.ContainsAny(got, "\\\r\n\t\x00 ") {
			t.Fatalf("CheckReturnTo(%q) = %q: unsafe characters", raw, got)
		}
		if again, err := jwtsso.CheckReturnTo(origin, got); err != nil || again != got {
			t.Fatalf("CheckReturnTo(%q) = %q, %v; want stable", got, again, err)
		}
	})
}
