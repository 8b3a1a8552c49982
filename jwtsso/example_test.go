package jwtsso_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
)

// A tenant enables JWT SSO: ssokit generates the SSO key, the partner's
// login script signs a token with it, and the tenant's endpoint verifies
// the jwt parameter.
func Example() {
	now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	key, _ := jwtsso.GenerateKey(nil) // show once to the administrator

	v, err := jwtsso.New(jwtsso.Config{
		Keys:           []jwtsso.Key{{Secret: []byte(key)}},
		RemoteLoginURL: "https://mycompany.example.com/itglue/sso",
		Origin:         "https://mycompany.app.example",
		Now:            now,
	})
	if err != nil {
		panic(err)
	}

	// 1. Send the unauthenticated user to the partner's login script.
	login, _ := v.LoginURL("https://mycompany.app.example/1/configurations/12345")
	fmt.Println(login)

	// 2. The partner's script signs a token (here with the Go helper).
	partner := jwtsso.Minter{Secret: []byte(key), Now: now}
	token, _ := partner.Mint(jwtsso.Token{Email: "Someone@Example.com"})

	// 3. Our endpoint verifies ?jwt=... and the return_to it came back with.
	claims, err := v.Verify(context.Background(), token)
	if err != nil {
		panic(err)
	}
	back, _ := v.ReturnTo("/1/configurations/12345")
	fmt.Println(claims.Email, back)

	// The same token a second time is a replay.
	_, err = v.Verify(context.Background(), token)
	fmt.Println(errors.Is(err, jwtsso.ErrReplayed))
	// Output:
	// https://mycompany.example.com/itglue/sso?return_to=https%3A%2F%2Fmycompany.app.example%2F1%2Fconfigurations%2F12345
	// someone@example.com https://mycompany.app.example/1/configurations/12345
	// true
}

func ExampleCheckReturnTo() {
	for _, r := range []string{"/reports?id=7", "//evil.example", `/\evil.example`, "javascript:alert(1)"} {
		u, err := jwtsso.CheckReturnTo("https://tenant.example", r)
		fmt.Printf("%q -> %q %v\n", r, u, err)
	}
	// Output:
	// "/reports?id=7" -> "https://tenant.example/reports?id=7" <nil>
	// "//evil.example" -> "" jwtsso: return_to rejected: scheme-relative URL
	// "/\\evil.example" -> "" jwtsso: return_to rejected: backslash
	// "javascript:alert(1)" -> "" jwtsso: return_to rejected: scheme javascript not allowed
}

func ExampleMinter_Mint() {
	m := jwtsso.Minter{
		Secret: []byte("an-sso-key-of-at-least-32-bytes!"),
		Now:    func() time.Time { return time.Unix(1795003200, 0) },
		Rand:   bytes.NewReader(make([]byte, 18)),
	}
	token, _ := m.Mint(jwtsso.Token{Email: "someone@example.com"})
	fmt.Println(token)
	// Output:
	// eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6InNvbWVvbmVAZXhhbXBsZS5jb20iLCJpYXQiOjE3OTUwMDMyMDAsImp0aSI6IjE3OTUwMDMyMDAvMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwIn0.EImUWp9dIktSjzzYWF4f_aSp-0WLLj7XR8NAEZkMuuA
}

func ExampleGenerateKey() {
	// Deterministic here only to show the format; pass nil for crypto/rand.
	key, _ := jwtsso.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{0x5a}, jwtsso.SecretSize)))
	fmt.Println(len(key), key[:16]+"...")
	// Output:
	// 64 5a5a5a5a5a5a5a5a...
}

// Errors say what went wrong: branch with errors.Is, read details with
// errors.As, and show Error() to the user.
func ExampleVerifier_Verify_errors() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	secret := []byte("an-sso-key-of-at-least-32-bytes!")
	v, _ := jwtsso.New(jwtsso.Config{Keys: []jwtsso.Key{{Secret: secret}}, Now: func() time.Time { return now }})

	// The partner's clock is five minutes behind.
	partner := jwtsso.Minter{Secret: secret, Now: func() time.Time { return now.Add(-5 * time.Minute) }}
	token, _ := partner.Mint(jwtsso.Token{Email: "someone@example.com"})

	_, err := v.Verify(context.Background(), token)
	var te *jwtsso.TimeError
	if errors.Is(err, jwtsso.ErrStale) && errors.As(err, &te) {
		fmt.Println(err)
		fmt.Println("clock skew:", te.Now.Sub(te.Value))
	}
	// Output:
	// jwtsso: token is stale (iat 2026-11-23T11:55:00Z, now 2026-11-23T12:00:00Z, margin 1m0s)
	// clock skew: 5m0s
}
