package scim

import (
	"testing"

	"github.com/ssokit/ssokit/internal/srccheck"
)

// Bearer tokens are compared by hash in constant time. Timing cannot be
// asserted in a unit test, so this reads the source of Authenticate.
func TestAuthenticateComparesInConstantTime(t *testing.T) {
	problems, err := srccheck.ConstantTime("auth.go", "Authenticate", "h", "hash", "token")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
