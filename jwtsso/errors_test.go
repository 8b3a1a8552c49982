package jwtsso_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

func TestErrorMessagesBoundTokenValues(t *testing.T) {
	// Error() is shown to users; a hostile token must not make it huge or
	// multi-line.
	v, _ := newVerifier(t, nil)
	long := strings.Repeat("A", 2000) + "\nLocation: x"
	toks := map[string]string{
		"alg": unsigned(`{"alg":"`+long[:1000]+`"}`, `{}`),
		"kid": sign(t, jwa.HS256, secret, claims(), map[string]any{"kid": long}),
	}
	for name, tok := range toks {
		_, err := v.Verify(context.Background(), tok)
		if err == nil || len(err.Error()) > 200 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: Error() = %q; want a short single line", name, err)
		}
	}
	mustVerify(t, v, hs256(t, with(func(m map[string]any) { m["jti"] = long })))
	_, err := v.Verify(context.Background(), hs256(t, with(func(m map[string]any) { m["jti"] = long })))
	if err == nil || len(err.Error()) > 200 || strings.Contains(err.Error(), "\n") {
		t.Errorf("replay: Error() = %q; want a short single line", err)
	}
}
