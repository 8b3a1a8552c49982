package jwtsso

import "testing"

// FuzzParseClaims reaches the claims decoder directly: through Verify only
// validly signed payloads get there, which a fuzzer cannot produce.
func FuzzParseClaims(f *testing.F) {
	for _, s := range []string{
		`{"iat":1795435200,"jti":"a","email":"a@example.com"}`,
		`{"iat":1795435200,"Jti":"a","Email":"a@example.com","aud":["x"],"exp":1.5e9}`,
		`{"iat":"1","jti":1,"email":null,"aud":{}}`,
		`{"email":"a","EMAIL":"b"}`,
		`{"iat":1e400}`, `{"iat":-0}`, `[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, err := parseClaims(payload)
		if err != nil {
			return
		}
		// The email is checked later, by NormalizeEmail.
		if c.JTI == "" || c.IssuedAt.IsZero() {
			t.Fatalf("parseClaims(%q) = %+v without required claims", payload, c)
		}
		if _, err := c.Map(); err != nil {
			t.Fatalf("accepted payload %q does not decode as a map: %v", payload, err)
		}
	})
}
