package domains_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/domains"
)

func TestVerifiedFor(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.verified("tenant-a", "acme.example")
	e.verified("tenant-a", "corp.example")
	if _, err := e.svc.SetIncludeSubdomains(ctx, "tenant-a", "corp.example", true); err != nil {
		t.Fatal(err)
	}
	e.verified("tenant-a", "team.omega.example")
	e.claim("tenant-a", "pending.example")
	e.verified("tenant-b", "beta.example")

	cases := []struct {
		name, tenant, email string
		want                bool
	}{
		{"verified domain is trusted", "tenant-a", "ceo@acme.example", true},
		{"bare domain works too", "tenant-a", "acme.example", true},
		{"subdomain is not covered by default", "tenant-a", "ceo@eu.acme.example", false},
		{"subdomain is covered when switched on", "tenant-a", "ceo@eu.corp.example", true},
		{"deep subdomain is covered when switched on", "tenant-a", "ceo@x.eu.corp.example", true},
		{"parent of a verified domain is not covered", "tenant-a", "ceo@omega.example", false},
		{"lookalike suffix is not a subdomain", "tenant-a", "ceo@evilcorp.example", false},
		{"pending domain is not trusted", "tenant-a", "ceo@pending.example", false},
		{"another tenant's domain is not trusted", "tenant-a", "ceo@beta.example", false},
		{"own domain is not trusted for another tenant", "tenant-b", "ceo@acme.example", false},
		{"empty tenant is never trusted", "", "ceo@acme.example", false},
		{"last @ decides the domain", "tenant-a", "\"x@acme.example\"@beta.example", false},
		{"consumer domain is untrusted, not an error", "tenant-a", "someone@gmail.com", false},
		{"public suffix is untrusted, not an error", "tenant-a", "someone@co.uk", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.VerifiedFor(ctx, tc.tenant, tc.email)
			if err != nil || got != tc.want {
				t.Fatalf("VerifiedFor(%q, %q) = %v, %v; want %v", tc.tenant, tc.email, got, err, tc.want)
			}
		})
	}
	t.Run("malformed email is an error and untrusted", func(t *testing.T) {
		for _, in := range []string{"ceo@", "ceo@acme..example", "ceo@-acme.example"} {
			got, err := e.svc.VerifiedFor(ctx, "tenant-a", in)
			wantErr(t, err, domains.ErrInvalidName)
			if got {
				t.Fatalf("%q trusted", in)
			}
		}
	})
	t.Run("switching subdomains off withdraws them", func(t *testing.T) {
		if _, err := e.svc.SetIncludeSubdomains(ctx, "tenant-a", "corp.example", false); err != nil {
			t.Fatal(err)
		}
		evs := e.eventsOf(domains.EventSubdomainsChanged)
		if len(evs) != 2 || evs[0].Detail != "subdomains included" || evs[1].Detail != "subdomains excluded" {
			t.Fatalf("events = %+v", evs)
		}
		if e.verifiedFor("tenant-a", "ceo@eu.corp.example") || !e.verifiedFor("tenant-a", "ceo@corp.example") {
			t.Fatal("flag not honoured")
		}
	})
}

func TestTenantFor(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.verified("tenant-a", "acme.example")
	if _, err := e.svc.SetIncludeSubdomains(ctx, "tenant-a", "acme.example", true); err != nil {
		t.Fatal(err)
	}
	e.verified("tenant-b", "eu.acme.example")
	e.claim("tenant-c", "gamma.example")
	e.claim("tenant-c", "other.acme.example")

	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"verified domain routes to its tenant", "ceo@acme.example", "tenant-a", true},
		{"exact verified record wins over a parent", "ceo@eu.acme.example", "tenant-b", true},
		{"subdomain routes through the parent's flag", "ceo@us.acme.example", "tenant-a", true},
		{"pending claim does not route, the parent does", "ceo@other.acme.example", "tenant-a", true},
		{"pending domain does not route", "ceo@gamma.example", "", false},
		{"unknown domain does not route", "ceo@unknown.example", "", false},
		{"consumer domain does not route", "ceo@gmail.com", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := e.svc.TenantFor(ctx, tc.in)
			if err != nil || got != tc.want || ok != tc.ok {
				t.Fatalf("TenantFor(%q) = %q, %v, %v; want %q, %v", tc.in, got, ok, err, tc.want, tc.ok)
			}
		})
	}
}

func TestIncludeSubdomainsIsOffByDefault(t *testing.T) {
	e := newEnv(t)
	if d := e.verified("tenant-a", "acme.example"); d.IncludeSubdomains {
		t.Fatal("subdomains included by default")
	}
	if e.verifiedFor("tenant-a", "a@b.acme.example") {
		t.Fatal("subdomain trusted by default")
	}
}

func FuzzVerifiedFor(f *testing.F) {
	svc, err := domains.New(domains.Config{})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	o := domains.Override{Operator: "fuzz", Reason: "fuzz"}
	if _, err := svc.VerifyManually(ctx, "tenant-a", "acme.example", o); err != nil {
		f.Fatal(err)
	}
	if _, err := svc.SetIncludeSubdomains(ctx, "tenant-a", "acme.example", true); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"ceo@acme.example", "ceo@eu.ACME.example.", "a@b@acme.example",
		"\"x@acme.example\"@evil.example", "ceo@evilacme.example", "@", "ceo@acme.example@", "acme.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ok, err := svc.VerifiedFor(ctx, "tenant-a", in)
		if err != nil && ok {
			t.Fatalf("VerifiedFor(%q) = true with error %v", in, err)
		}
		if !ok {
			return
		}
		at := strings.LastIndexByte(in, '@')
		name, err := domains.Normalize(in[at+1:])
		if err != nil || name != "acme.example" && !strings.HasSuffix(name, ".acme.example") {
			t.Fatalf("VerifiedFor(%q) = true for domain %q (%v)", in, name, err)
		}
		if other, _ := svc.VerifiedFor(ctx, "tenant-b", in); other {
			t.Fatalf("VerifiedFor(tenant-b, %q) = true", in)
		}
	})
}
