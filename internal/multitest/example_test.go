package multitest_test

import (
	"fmt"
	"strings"

	"github.com/ssokit/ssokit/internal/multitest"
)

// ExampleParseFlags shows the flags of one instance; the test starts
// three such processes with the same Redis, prefix and keys.
func ExampleParseFlags() {
	key := strings.Repeat("07", 32)
	o, err := multitest.ParseFlags([]string{"-redis", "127.0.0.1:6379", "-base-url", "https://app.example/sso",
		"-config", "tenants.json", "-state-key", key, "-seal-key", key, "-worker", "-lease", "30s"})
	fmt.Println(o.Redis, o.Prefix, o.Worker, o.Lease, o.Batch, err)
	_, err = multitest.ParseFlags([]string{"-redis", "127.0.0.1:6379"})
	fmt.Println(err)
	// Output:
	// 127.0.0.1:6379 ssokit: true 30s 50 <nil>
	// -state-key must be 64 hex digits
}
