package multitest_test

import (
	"os"
	"testing"

	"github.com/ssokit/ssokit/internal/multitest"
)

// TestMain turns the test binary into an instance when the test
// re-executes it with multitest.EnvInstance set.
func TestMain(m *testing.M) {
	if os.Getenv(multitest.EnvInstance) != "" {
		os.Exit(multitest.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
