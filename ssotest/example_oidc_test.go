package ssotest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

// A provider that answers with an ID token from another issuer, to check
// that the relying party under test refuses it.
func ExampleOIDCProvider_SetFaults() {
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "app", Secret: "s", RedirectURIs: []string{"https://app.example/cb"}}},
		Users:   []ssotest.OIDCUser{{Subject: "u1", Email: "u1@example.com", Claims: map[string]any{"groups": []string{"admins"}}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	op.Start()
	defer op.Close()
	op.SetFaults(ssotest.OIDCFaults{Issuer: "https://evil.example"})

	rp, err := oidc.New(oidc.Config{Issuer: op.Issuer(), ClientID: "app", ClientSecret: "s",
		RedirectURL: "https://app.example/cb", StateKey: make([]byte, 32), HTTPClient: op.Client()})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	login, err := rp.Begin(ctx, oidc.LoginRequest{})
	if err != nil {
		log.Fatal(err)
	}
	cb, err := op.Authorize(ctx, login.URL)
	if err != nil {
		log.Fatal(err)
	}
	q := cb.Query()
	_, err = rp.Exchange(ctx, oidc.Callback{State: q.Get("state"), Code: q.Get("code"), Issuer: q.Get("iss"), Cookie: login.State})
	var ie *oidc.IssuerError
	fmt.Println(errors.As(err, &ie), ie.Got)
	// Output: true https://evil.example
}
