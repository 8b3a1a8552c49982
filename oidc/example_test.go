package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

// A whole login against an in-process provider: Begin, the browser's trip
// to the provider, Exchange, then a background Refresh.
func Example() {
	op, err := ssotest.NewOIDCProvider(ssotest.OIDCProviderConfig{
		Clients: []ssotest.OIDCClient{{ID: "my-app", Secret: "s3cret", RedirectURIs: []string{"https://app.example/callback"}}},
		Users:   []ssotest.OIDCUser{{Subject: "u-42", Email: "ada@example.com", Name: "Ada"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	op.Start()
	defer op.Close()

	rp, err := oidc.New(oidc.Config{
		Issuer:        op.Issuer(), // e.g. https://accounts.google.com
		ClientID:      "my-app",
		ClientSecret:  "s3cret",
		RedirectURL:   "https://app.example/callback",
		OfflineAccess: true,
		StateKey:      make([]byte, 32), // a real 32-byte secret in production
		HTTPClient:    op.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// GET /login: redirect the browser to login.URL and keep login.State
	// in a cookie.
	login, err := rp.Begin(ctx, oidc.LoginRequest{ReturnTo: "/dashboard"})
	if err != nil {
		log.Fatal(err)
	}
	// The provider signs the user in and sends the browser back.
	callback, err := op.Authorize(ctx, login.URL)
	if err != nil {
		log.Fatal(err)
	}
	// GET /callback: oidc.CallbackFromRequest(r, "state_cookie") reads the
	// same values from the request.
	q := callback.Query()
	tokens, err := rp.Exchange(ctx, oidc.Callback{
		State: q.Get("state"), Code: q.Get("code"), Issuer: q.Get("iss"), Cookie: login.State,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tokens.Subject, tokens.IDToken.Claims["email"], tokens.ReturnTo)

	// Later, in background sync.
	refreshed, err := rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tokens.RefreshToken, Subject: tokens.Subject})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("refreshed:", refreshed.IDToken.Claims["name"])

	// A revoked refresh token is a distinct error: remove permissions.
	op.RevokeUser("u-42")
	_, err = rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tokens.RefreshToken})
	fmt.Println(errors.Is(err, oidc.ErrRefreshRevoked))
	// Output:
	// u-42 ada@example.com /dashboard
	// refreshed: Ada
	// true
}
