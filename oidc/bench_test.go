package oidc_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

// BenchmarkVerifyIDToken compares, in one run, verifying a real RS256 ID
// token through this package (every check), through go-oidc's
// IDTokenVerifier alone (signature, issuer, audience, expiry) and the raw
// RSA-2048 PKCS#1 v1.5 check with its SHA-256 (the floor).
func BenchmarkVerifyIDToken(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, nil, nil)
	tok, err := e.fullLogin(b)
	if err != nil {
		b.Fatal(err)
	}
	raw, nonce := tok.IDToken.Raw, tok.IDToken.Claims["nonce"].(string)

	b.Run("ssokit", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if _, err := e.rp.VerifyIDToken(ctx, raw, nonce); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
	b.Run("go-oidc", func(b *testing.B) {
		keys := gooidc.NewRemoteKeySet(gooidc.ClientContext(ctx, e.op.Client()), e.op.URL+"/jwks")
		v := gooidc.NewVerifier(e.op.URL, keys, &gooidc.Config{ClientID: testClientID, Now: e.clock.Now})
		if _, err := v.Verify(ctx, raw); err != nil { // fills the key cache
			b.Fatal(err)
		}
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if _, err := v.Verify(ctx, raw); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
	b.Run("rsa-2048", func(b *testing.B) {
		i := strings.LastIndexByte(raw, '.')
		input := []byte(raw[:i])
		sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
		if err != nil {
			b.Fatal(err)
		}
		pub := &testKey().PublicKey
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			h := sha256.Sum256(input)
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start)
	})
}
