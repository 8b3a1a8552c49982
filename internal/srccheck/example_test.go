package srccheck_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ssokit/ssokit/internal/srccheck"
)

// A token check written with == is reported; the test that calls
// ConstantTime then fails.
func ExampleConstantTime() {
	dir, _ := os.MkdirTemp("", "srccheck")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "auth.go")
	_ = os.WriteFile(path, []byte("package auth\nfunc check(got, token string) bool { return got == token }\n"), 0o600)
	problems, err := srccheck.ConstantTime(path, "check", "token")
	fmt.Println(problems, err)
	// Output:
	// [check compares a secret with == check does not call subtle.ConstantTimeCompare] <nil>
}
