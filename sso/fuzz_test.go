package sso_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

// FuzzParseConfig checks that any document gives tenants or a
// *ConfigError, never a panic, and that accepted tenants validate again.
func FuzzParseConfig(f *testing.F) {
	for _, name := range []string{"contiamo.json", "broken.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"a": {"connections": [{"kind": "jwt", "parameters": {"sharedSecret": "x"}}]}}`))
	f.Add([]byte(`{"a": [{"kind": "saml", "parameters": {"metadataXml": "<x/>"}, "testExpressions": ["IDTOKEN.a = 'b'"]}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"a": {"connections": [], "domains": [{"name": "A.example.", "verification": "manual", "reason": "r"}, {"name": "xn--bcher-kva.example", "verification": "manual", "reason": "r", "includeSubdomains": true}]}}`))
	secrets := sso.Secrets{LookupEnv: func(string) (string, bool) { return "", false },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }}
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := sso.ParseConfig(data, secrets)
		if err != nil {
			var ce *sso.ConfigError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error is not a *ConfigError with problems: %v", err)
			}
			return
		}
		if err := sso.Validate(ts, secrets); err != nil {
			t.Fatalf("accepted config does not validate again: %v", err)
		}
	})
}
