package domains_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/ssokit/ssokit/domains"
)

// zone is a tiny stand-in for DNS in examples; the tests use a real
// server.
type zone map[string][]string

func (z zone) LookupTXT(_ context.Context, name string) ([]string, error) {
	if txts, ok := z[name]; ok {
		return txts, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func Example() {
	ctx := context.Background()
	dns := zone{}
	svc, err := domains.New(domains.Config{
		Resolver: dns,
		Rand:     bytes.NewReader(make([]byte, 20)), // fixed for the example only
	})
	if err != nil {
		panic(err)
	}

	d, _ := svc.Claim(ctx, "acme-corp", "Acme.Example")
	fmt.Println("publish:", svc.RecordName(d.Name), "TXT", d.Token)

	_, err = svc.Verify(ctx, "acme-corp", "acme.example")
	fmt.Println("before:", errors.Is(err, domains.ErrNotVerified))

	dns["_ssokit-verification.acme.example."] = []string{d.Token}
	d, _ = svc.Verify(ctx, "acme-corp", "acme.example")
	fmt.Println("after:", d.State)

	ok, _ := svc.VerifiedFor(ctx, "acme-corp", "ceo@acme.example")
	other, _ := svc.VerifiedFor(ctx, "intruder", "ceo@acme.example")
	fmt.Println("trusted for acme-corp:", ok, "for intruder:", other)
	// Output:
	// publish: _ssokit-verification.acme.example TXT aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	// before: true
	// after: verified
	// trusted for acme-corp: true for intruder: false
}

func ExampleNormalize() {
	for _, in := range []string{"Bücher.Example.", "gmail.com", "co.uk"} {
		name, err := domains.Normalize(in)
		fmt.Printf("%q %v\n", name, err)
	}
	// Output:
	// "xn--bcher-kva.example" <nil>
	// "" domains: consumer mail domain: "gmail.com": is a consumer mail domain that anyone can sign up to
	// "" domains: public suffix: "co.uk": is a public suffix; claim a domain registered under it
}

func ExampleService_VerifyManually() {
	ctx := context.Background()
	svc, _ := domains.New(domains.Config{OnEvent: func(e domains.Event) {
		fmt.Println("audit:", e.Kind, e.Tenant, e.Domain)
		if e.Operator != "" {
			fmt.Println("  by", e.Operator+":", e.Reason)
		}
	}})
	d, err := svc.VerifyManually(ctx, "acme-corp", "acme.example", domains.Override{
		Operator: "ops@saas.example", Reason: "DNS frozen during migration, ticket 4711",
	})
	fmt.Println(d.State, d.Strategy, err)
	// Output:
	// audit: domain.claimed acme-corp acme.example
	// audit: domain.manual_override acme-corp acme.example
	//   by ops@saas.example: DNS frozen during migration, ticket 4711
	// verified manual <nil>
}
