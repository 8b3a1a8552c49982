package srccheck_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/internal/srccheck"
)

func write(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.go")
	if err := os.WriteFile(p, []byte("package x\n"+src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConstantTime(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"constant time", `import "crypto/subtle"
func match(a, token []byte) bool { return subtle.ConstantTimeCompare(a, token) == 1 }`, ""},
		{"emptiness is no secret", `import "crypto/subtle"
func match(a, token []byte) bool { return token != nil && subtle.ConstantTimeCompare(a, token) == 1 }`, ""},
		{"==", `func match(a, token string) bool { return a == token }`, "compares a secret with =="},
		{"!= on a field", `type e struct{ hash [32]byte }
func match(h [32]byte, x e) bool { return h != x.hash }`, "compares a secret with !="},
		{"bytes.Equal", `import ("bytes"; "crypto/subtle")
func match(a, token []byte) bool { _ = subtle.ConstantTimeCompare; return bytes.Equal(a, token[:]) }`, "compares a secret with bytes.Equal"},
		{"no subtle", `func match(a, token []byte) bool { return len(a) == 3 }`, "does not call subtle.ConstantTimeCompare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := srccheck.ConstantTime(write(t, tc.src), "match", "token", "hash")
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tc.want)) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := srccheck.ConstantTime(write(t, "func other() {}"), "match"); err == nil {
		t.Fatal("a missing function is not an error")
	}
}
