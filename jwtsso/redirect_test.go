package jwtsso_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/ssokit/ssokit/jwtsso"
)

const origin = "https://tenant.example.com"

func redirectVerifier(t *testing.T) *jwtsso.Verifier {
	v, _ := newVerifier(t, func(c *jwtsso.Config) {
		c.Origin = origin
		c.RemoteLoginURL = "https://partner.example.com/itglue/sso?team=7"
	})
	return v
}

func TestReturnToAccepts(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty goes to the root", "", origin + "/"},
		{"path", "/1/configurations/12345", origin + "/1/configurations/12345"},
		{"path with query and fragment", "/a?b=c&d=%2F#top", origin + "/a?b=c&d=%2F#top"},
		{"absolute URL on the origin", origin + "/1/configurations/12345", origin + "/1/configurations/12345"},
		{"origin in upper case", "HTTPS://TENANT.EXAMPLE.COM/x", origin + "/x"},
		{"explicit default port", "https://tenant.example.com:443/x", origin + "/x"},
		{"encoded slashes inside the path", "/a/%2F%2Fb", origin + "/a/%2F%2Fb"},
	}
	v := redirectVerifier(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.ReturnTo(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ReturnTo(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestReturnToRejects(t *testing.T) {
	cases := []struct{ name, in string }{
		{"other host", "https://evil.example.com/x"},
		{"origin as a prefix of another host", "https://tenant.example.com.evil.com/x"},
		{"other port", "https://tenant.example.com:8443/x"},
		{"downgrade to http", "http://tenant.example.com/x"},
		{"scheme-relative", "//evil.example.com/x"},
		{"scheme-relative with three slashes", "///evil.example.com"},
		{"backslashes", `\\evil.example.com`},
		{"slash backslash", `/\evil.example.com`},
		{"backslash after scheme", `https:\\evil.example.com`},
		{"javascript", "javascript:alert(1)"},
		{"javascript in upper case", "JavaScript:alert(1)"},
		{"javascript after a tab", "java\tscript:alert(1)"},
		{"data URL", "data:text/html,<script>alert(1)</script>"},
		{"leading space", " /x"},
		{"newline", "/x\r\nLocation: https://evil.example.com"},
		{"NUL", "/x\x00"},
		{"userinfo naming our host", "https://tenant.example.com@evil.example.com/"},
		{"userinfo on our host", "https://evil.example.com@tenant.example.com/"},
		{"opaque https", "https:evil.example.com"},
		{"single-slash https", "https:/evil.example.com"},
		{"relative path", "evil.example.com/x"},
		{"dot path", "../x"},
		{"encoded scheme-relative", "/%2Fevil.example.com"},
		{"encoded scheme-relative, both slashes", "%2F%2Fevil.example.com"},
		{"encoded backslash", "/%5Cevil.example.com"},
		{"double-encoded backslash", "/%255Cevil.example.com"},
		{"encoded newline", "/x%0d%0aSet-Cookie:a=b"},
		{"encoded tab in scheme", "java%09script:alert(1)"},
		{"bad percent-encoding", "/%zz"},
		{"encoded host dot", "https://tenant.example.com%2eevil.com/"},
	}
	v := redirectVerifier(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.ReturnTo(tc.in)
			var re *jwtsso.ReturnToError
			if !errors.As(err, &re) || !errors.Is(err, jwtsso.ErrReturnTo) || re.Value != tc.in {
				t.Fatalf("ReturnTo(%q) = %q, %v; want *ReturnToError", tc.in, got, err)
			}
		})
	}
}

func TestReturnToWithoutOriginRejectsEverything(t *testing.T) {
	v, _ := newVerifier(t, nil)
	if _, err := v.ReturnTo("/x"); !errors.Is(err, jwtsso.ErrReturnTo) {
		t.Fatalf("err = %v; want ErrReturnTo", err)
	}
}

func TestLoginURL(t *testing.T) {
	v := redirectVerifier(t)
	got, err := v.LoginURL(origin + "/1/configurations/12345")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	if u.Host != "partner.example.com" || u.Path != "/itglue/sso" ||
		u.Query().Get("team") != "7" || u.Query().Get("return_to") != origin+"/1/configurations/12345" {
		t.Fatalf("LoginURL = %q", got)
	}
	if got, _ := v.LoginURL(""); got != "https://partner.example.com/itglue/sso?team=7" {
		t.Fatalf("LoginURL(\"\") = %q; want the remote login URL unchanged", got)
	}
	if _, err := v.LoginURL("https://evil.example.com/"); !errors.Is(err, jwtsso.ErrReturnTo) {
		t.Fatalf("LoginURL with a foreign return_to: err = %v; want ErrReturnTo", err)
	}
	unset, _ := newVerifier(t, nil)
	if _, err := unset.LoginURL("/x"); !errors.Is(err, jwtsso.ErrConfig) {
		t.Fatalf("LoginURL without RemoteLoginURL: err = %v; want ErrConfig", err)
	}
}

func TestCheckReturnTo(t *testing.T) {
	if got, err := jwtsso.CheckReturnTo(origin, "/x"); err != nil || got != origin+"/x" {
		t.Fatalf("CheckReturnTo = %q, %v", got, err)
	}
	if _, err := jwtsso.CheckReturnTo(origin, "//evil.example.com"); !errors.Is(err, jwtsso.ErrReturnTo) {
		t.Fatalf("err = %v; want ErrReturnTo", err)
	}
	if _, err := jwtsso.CheckReturnTo("not an origin", "/x"); !errors.Is(err, jwtsso.ErrReturnTo) {
		t.Fatalf("bad origin: err = %v; want ErrReturnTo", err)
	}
}
