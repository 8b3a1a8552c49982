package domains_test

import (
	"context"
	"fmt"
	"testing"

	"golang.org/x/net/idna"

	"github.com/ssokit/ssokit/domains"
)

// benchService holds 1,000 tenants with one manually verified domain
// each; tenant-500's covers subdomains.
func benchService(b *testing.B) *domains.Service {
	b.Helper()
	svc, err := domains.New(domains.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	o := domains.Override{Operator: "bench", Reason: "bench"}
	for i := 0; i < 1000; i++ {
		tenant, name := fmt.Sprint("tenant-", i), fmt.Sprintf("corp%d.example", i)
		if _, err := svc.VerifyManually(ctx, tenant, name, o); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.SetIncludeSubdomains(ctx, "tenant-500", "corp500.example", true); err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkVerifiedFor is the per-login trust check: an email two labels
// below a verified domain with IncludeSubdomains, so the walk tries three
// names.
func BenchmarkVerifiedFor(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		ok, err := svc.VerifiedFor(ctx, "tenant-500", "Jane.Doe@eu.mail.corp500.example")
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkNormalize is the normaliser alone on the same domain.
func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := domains.Normalize("eu.mail.corp500.example"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorIDNALookup is x/net/idna's Lookup profile alone on the same
// domain: the floor for any IDNA-aware normalisation.
func BenchmarkFloorIDNALookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := idna.Lookup.ToASCII("eu.mail.corp500.example"); err != nil {
			b.Fatal(err)
		}
	}
}
