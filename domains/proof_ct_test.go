package domains

import (
	"testing"

	"github.com/ssokit/ssokit/internal/srccheck"
)

// The token comparison must take the same time whatever the record
// holds. Timing cannot be asserted in a unit test, so this reads the
// source of matchAny.
func TestProofComparisonIsConstantTime(t *testing.T) {
	problems, err := srccheck.ConstantTime("proof.go", "matchAny", "t", "token")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
