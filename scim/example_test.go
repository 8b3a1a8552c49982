package scim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/ssokit/ssokit/scim"
)

// A tenant's IdP creates a user with its bearer token, sent here without
// the word "Bearer" as Okta's header mode does.
func Example() {
	tokens := scim.NewTokenSet()
	tokens.Add("acme", scim.HashToken("acme-secret-token"))
	h, err := scim.New(scim.Config{Authenticator: tokens, BaseURL: "https://app.example.com/scim/v2"})
	if err != nil {
		panic(err)
	}
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"jdoe@acme.example","password":"ignored","active":true}`
	req := httptest.NewRequest(http.MethodPost, "/scim/v2/Users", strings.NewReader(body))
	req.Header.Set("Authorization", "acme-secret-token")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(strings.Contains(rec.Body.String(), "password"))

	req = httptest.NewRequest(http.MethodGet, `/scim/v2/Users?filter=userName+eq+"JDOE@acme.example"`, nil)
	req.Header.Set("Authorization", "Bearer other-token")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// 201 application/scim+json
	// false
	// 401
}

// A store that speaks SQL walks the parsed filter instead of evaluating it
// in memory.
func ExampleParseFilter() {
	f, err := scim.ParseFilter(`userName Eq "bjensen" and emails[type eq "work" and value co "@example.com"]`)
	if err != nil {
		panic(err)
	}
	f, err = scim.Canonicalize(f, scim.UserType)
	if err != nil {
		panic(err)
	}
	and := f.(*scim.LogicalExpr)
	left := and.Left.(*scim.AttrExpr)
	right := and.Right.(*scim.ValuePathExpr)
	fmt.Println(and.Op, left.Path.Name, left.Op, left.Value)
	fmt.Println(right.Path.Name, right.Filter)
	// Output:
	// and userName eq bjensen
	// emails (type eq "work" and value co "@example.com")
}

// On a user's first SSO login, the host looks for the user the identity
// provider provisioned earlier, by the login's email.
func ExampleFindUser() {
	ctx := context.Background()
	store := scim.NewMemoryStore()
	pending := &scim.Resource{Type: scim.UserType, ID: "u-1", Attrs: map[string]any{
		"userName": "jdoe", "active": true,
		"emails": []any{map[string]any{"value": "John.Doe@acme.example", "primary": true}},
	}}
	if err := store.Create(ctx, "acme", pending); err != nil {
		panic(err)
	}
	u, err := scim.FindUser(ctx, store, "acme", "john.doe@ACME.example")
	fmt.Println(u.ID, u.UserName(), u.Active(), err)
	_, err = scim.FindUser(ctx, store, "globex", "john.doe@acme.example")
	fmt.Println(errors.Is(err, scim.ErrNotFound))
	// Output:
	// u-1 jdoe true <nil>
	// true
}
