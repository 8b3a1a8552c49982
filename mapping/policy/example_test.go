package policy_test

import (
	"errors"
	"fmt"

	"github.com/ssokit/ssokit/mapping/policy"
)

func Example() {
	// At configuration time: the tenant's test expressions, as an
	// administrator typed them (typographic quotes are fine).
	p, err := policy.Compile([]string{
		"IDTOKEN.aud = ‘my-client-id’",
		"match(ACCESSTOKEN.scp,/”w2w”/i)",
		"among(ACCESSTOKEN.appname,’SSO-V1|SSO-V2′)",
	}, policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	// On each login: the verified tokens' claims.
	docs := policy.Documents{
		IDToken:     map[string]any{"aud": []any{"my-client-id"}, "email": "ann@example.com"},
		AccessToken: map[string]any{"scp": []any{"openid", "w2w"}, "appname": "SSO-V3"},
	}
	res := p.Evaluate(docs)
	fmt.Println("passed:", res.Passed)
	for _, f := range res.Failed() {
		fmt.Printf("failed %d: %s (%s)\n", f.Index, f.Source, f.Reason)
	}
	fmt.Println(errors.Is(res.Err(), policy.ErrDenied))
	// Output:
	// passed: false
	// failed 2: among(ACCESSTOKEN.appname,’SSO-V1|SSO-V2′) (expression is false)
	// true
}

func ExampleCompile_error() {
	_, err := policy.Compile([]string{"IDTOKEN.email = ACCESSTOKEN.sub", "contains(IDTOKEN.email, 'x')"}, policy.Options{})
	var ce *policy.CompileError
	if errors.As(err, &ce) {
		fmt.Println(ce.Index, ce.Column, errors.Is(err, policy.ErrUnknownName))
	}
	fmt.Println(err)
	// Output:
	// 1 1 true
	// policy: expression 1 "contains(IDTOKEN.email, 'x')": column 1: unknown function "contains" (use match, stringinstring or among)
}

func ExamplePolicy_DryRun() {
	p, _ := policy.Compile([]string{"IDTOKEN.email = ACCESSTOKEN.sub"}, policy.Options{})
	rep := p.DryRun(policy.Documents{
		IDToken:     map[string]any{"email": "ann@example.com", "address": map[string]any{"country": "NZ"}},
		AccessToken: map[string]any{"sub": "ann@example.com", "scp": []any{"openid", "w2w"}},
	})
	for _, c := range rep.Claims {
		fmt.Println(c.Ref, "=", c.Value)
	}
	for _, e := range rep.Result.Expressions {
		fmt.Println(e.Source, "->", e.Passed)
	}
	// Output:
	// IDTOKEN.address.country = "NZ"
	// IDTOKEN.email = "ann@example.com"
	// ACCESSTOKEN.scp = ["openid","w2w"]
	// ACCESSTOKEN.sub = "ann@example.com"
	// IDTOKEN.email = ACCESSTOKEN.sub -> true
}
