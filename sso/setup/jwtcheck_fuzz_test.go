package setup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

// fuzzSSOKey is the SSO key of the fuzzed connection; the corpus in
// testdata/fuzz/FuzzCheckJWT holds tokens signed with it at t0.
const fuzzSSOKey = "fuzz-sso-key-0123456789abcdef0123456789"

// fuzzValidToken is testdata/fuzz/FuzzCheckJWT/valid-token.
const fuzzValidToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFkYUBhY21lLmV4YW1wbGUiLCJpYXQiOjE3OTU0MzUyMDAsImp0aSI6InNlZWQtMSJ9.GllEf1B8j-2sEHibqEnh_rCpCkg0BbDhPCGIaDyWGU4"

// FuzzCheckJWT feeds hostile pasted tokens to the token check of a real
// JWT connection: it never panics or fails, never shows the SSO key, and
// accepts only a token whose HS256 signature verifies with the key
// (checked here with jwx, independently of jwtsso).
func FuzzCheckJWT(f *testing.F) {
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	if _, err := store.Put(context.Background(), "acme", sso.Connection{ID: "partner", Kind: sso.KindJWT,
		Parameters: sso.Parameters{SharedSecret: fuzzSSOKey}}); err != nil {
		f.Fatal(err)
	}
	h, err := setup.New(setup.Config{BaseURL: "https://app.example/setup", SSOBaseURL: "https://app.example/sso",
		Store: store, LinkKey: bytes.Repeat([]byte("k"), 32), Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	// The corpus's valid-token must pass, or acceptance is never fuzzed.
	if res, err := h.CheckJWT(context.Background(), "acme", "partner", fuzzValidToken); err != nil || res.Error != "" {
		f.Fatalf("the valid seed is refused: %v %s", err, res.Error)
	}
	f.Add("eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFAYi5jIiwiaWF0IjoxNzk1NDM1MjAwLCJqdGkiOiJ4In0.")
	f.Add("..")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		res, err := h.CheckJWT(context.Background(), "acme", "partner", token)
		if err != nil {
			t.Fatalf("CheckJWT(%q): %v", token, err)
		}
		if b, _ := json.Marshal(res); bytes.Contains(b, []byte(fuzzSSOKey)) {
			t.Fatalf("the result shows the SSO key: %s", b)
		}
		if res.Error != "" {
			return
		}
		if _, err := jws.Verify(bytes.TrimSpace([]byte(token)), jws.WithKey(jwa.HS256, []byte(fuzzSSOKey))); err != nil {
			t.Fatalf("accepted %q, which does not verify: %v", token, err)
		}
		if len(res.Received) == 0 || res.Decisions[0].Rule != "signature" {
			t.Fatalf("accepted %q without claims or decisions: %+v", token, res)
		}
	})
}
