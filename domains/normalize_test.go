package domains_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

func TestNormalizeAccepts(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"already canonical", "acme.example", "acme.example"},
		{"upper case is lowered", "ACME.Example", "acme.example"},
		{"trailing dot is removed", "acme.example.", "acme.example"},
		{"upper case and trailing dot", "WWW.Acme.COM.", "www.acme.com"},
		{"IDN becomes punycode", "bücher.example", "xn--bcher-kva.example"},
		{"upper-case IDN becomes punycode", "BÜCHER.example", "xn--bcher-kva.example"},
		{"punycode stays", "xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"full-width dots and letters are mapped", "ａｃｍｅ。example", "acme.example"},
		{"registered name under a public suffix", "acme.co.uk", "acme.co.uk"},
		{"name under a private suffix", "acme.github.io", "acme.github.io"},
		{"digits and hyphens", "a-1.b2.example", "a-1.b2.example"},
		{"63-byte label", strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domains.Normalize(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNormalizeRefuses(t *testing.T) {
	long := strings.Repeat("a.", 126) + "example" // 259 bytes
	cases := []struct {
		name, in string
		want     error
	}{
		{"empty", "", domains.ErrInvalidName},
		{"only a dot", ".", domains.ErrInvalidName},
		{"two trailing dots", "acme.example..", domains.ErrInvalidName},
		{"empty label", "acme..example", domains.ErrInvalidName},
		{"leading dot", ".acme.example", domains.ErrInvalidName},
		{"single label", "localhost", domains.ErrPublicSuffix},
		{"leading hyphen", "-acme.example", domains.ErrInvalidName},
		{"trailing hyphen", "acme-.example", domains.ErrInvalidName},
		{"underscore", "ac_me.example", domains.ErrInvalidName},
		{"space", "ac me.example", domains.ErrInvalidName},
		{"email, not a domain", "ceo@acme.example", domains.ErrInvalidName},
		{"URL, not a domain", "https://acme.example", domains.ErrInvalidName},
		{"64-byte label", strings.Repeat("a", 64) + ".example", domains.ErrInvalidName},
		{"longer than 253 bytes", long, domains.ErrInvalidName},
		{"huge input", strings.Repeat("a", 5000) + ".example", domains.ErrInvalidName},
		{"IPv4 address", "192.0.2.1", domains.ErrInvalidName},
		{"bad punycode", "xn--a.example", domains.ErrInvalidName},
		{"invalid UTF-8", "\xff\xfe.example", domains.ErrInvalidName},
		{"mixed-direction label (bidi rule)", "aא.example", domains.ErrInvalidName},
		{"top-level domain", "com", domains.ErrPublicSuffix},
		{"top-level domain with dot", "COM.", domains.ErrPublicSuffix},
		{"multi-label public suffix", "co.uk", domains.ErrPublicSuffix},
		{"private public suffix", "github.io", domains.ErrPublicSuffix},
		{"gmail", "gmail.com", domains.ErrConsumerDomain},
		{"gmail, upper case with dot", "GMail.COM.", domains.ErrConsumerDomain},
		{"subdomain of a consumer domain", "mail.gmail.com", domains.ErrConsumerDomain},
		{"outlook", "outlook.com", domains.ErrConsumerDomain},
		{"hotmail", "hotmail.com", domains.ErrConsumerDomain},
		{"yahoo", "yahoo.com", domains.ErrConsumerDomain},
		{"icloud", "icloud.com", domains.ErrConsumerDomain},
		{"proton", "proton.me", domains.ErrConsumerDomain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domains.Normalize(tc.in)
			var ne *domains.NameError
			if !errors.Is(err, tc.want) || !errors.As(err, &ne) || ne.Kind != tc.want || got != "" {
				t.Fatalf("Normalize(%q) = %q, %v; want %v", tc.in, got, err, tc.want)
			}
			if len(ne.Name) > 256 || ne.Reason == "" {
				t.Fatalf("error fields %+v", ne)
			}
		})
	}
}

func TestDefaultConsumerDomainsAreAllRefused(t *testing.T) {
	for _, d := range domains.DefaultConsumerDomains() {
		if _, err := domains.Normalize(d); !errors.Is(err, domains.ErrConsumerDomain) {
			t.Errorf("Normalize(%q) = %v", d, err)
		}
	}
}

func TestConfiguredConsumerDomains(t *testing.T) {
	ctx := context.Background()
	t.Run("configured names are refused besides the defaults", func(t *testing.T) {
		svc, err := domains.New(domains.Config{ConsumerDomains: []string{"Mail.Corp-Hoster.example."}})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"mail.corp-hoster.example", "x.mail.corp-hoster.example", "gmail.com"} {
			_, err = svc.Claim(ctx, "tenant-a", d)
			wantErr(t, err, domains.ErrConsumerDomain)
		}
		if _, err := svc.Claim(ctx, "tenant-a", "corp-hoster.example"); err != nil {
			t.Fatalf("parent of a consumer domain refused: %v", err)
		}
	})
	t.Run("a default can be allowed only by the Insecure field", func(t *testing.T) {
		svc, err := domains.New(domains.Config{InsecureAllowConsumerDomains: []string{"Proton.ME"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Claim(ctx, "tenant-a", "proton.me"); err != nil {
			t.Fatalf("allowed name refused: %v", err)
		}
		_, err = svc.Claim(ctx, "tenant-a", "gmail.com")
		wantErr(t, err, domains.ErrConsumerDomain)
		_, err = svc.Claim(ctx, "tenant-a", "co.uk")
		wantErr(t, err, domains.ErrPublicSuffix) // never configurable
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"acme.example", "Bücher.Example.", "xn--bcher-kva.example", "co.uk",
		"gmail.com", "a..b", "-a.example", "ａｃｍｅ。example", "192.0.2.1", "x@y.example", "aא.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := domains.Normalize(in)
		if err != nil {
			var ne *domains.NameError
			if !errors.As(err, &ne) || out != "" {
				t.Fatalf("Normalize(%q) = %q, %#v", in, out, err)
			}
			return
		}
		if len(out) > 253 || strings.HasSuffix(out, ".") || strings.ToLower(out) != out {
			t.Fatalf("Normalize(%q) = %q: not canonical", in, out)
		}
		for i := 0; i < len(out); i++ {
			if c := out[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
				t.Fatalf("Normalize(%q) = %q: byte %q", in, out, c)
			}
		}
		again, err := domains.Normalize(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}

func TestNormalizeRefusesInvalidUTF8BeforeIDNA(t *testing.T) {
	// Without the check, IDNA maps the bad bytes to U+FFFD and a later
	// rule has to catch it; the reason shows which rule did.
	_, err := domains.Normalize("\xff\xfe.example")
	var ne *domains.NameError
	if !errors.As(err, &ne) || ne.Reason != "not valid UTF-8" {
		t.Fatalf("err = %v; want the UTF-8 rule", err)
	}
}
