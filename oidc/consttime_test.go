package oidc

import (
	"testing"

	"github.com/ssokit/ssokit/internal/srccheck"
)

// The state cookie and the nonce are compared in constant time. Timing
// cannot be asserted in a unit test, so this reads the source.
func TestSecretsAreComparedInConstantTime(t *testing.T) {
	for _, tc := range []struct {
		file, fn string
		secrets  []string
	}{
		{"state.go", "consumeState", []string{"State", "Cookie"}},
		{"verify.go", "verify", []string{"Nonce", "nonce"}},
	} {
		problems, err := srccheck.ConstantTime(tc.file, tc.fn, tc.secrets...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", tc.file, p)
		}
	}
}
