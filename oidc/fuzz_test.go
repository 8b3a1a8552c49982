package oidc_test

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"testing"

	"github.com/ssokit/ssokit/oidc"
)

// FuzzVerifyIDToken feeds arbitrary ID tokens to the verifier: it must
// refuse them with an error wrapping ErrIdentity and never panic.
func FuzzVerifyIDToken(f *testing.F) {
	e := newEnv(f, nil, nil)
	tok, err := e.fullLogin(f)
	if err != nil {
		f.Fatal(err)
	}
	raw := tok.IDToken.Raw
	f.Add(raw[:len(raw)-4] + "AAAA")
	f.Add(raw[:len(raw)/2])
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := e.rp.VerifyIDToken(context.Background(), raw, "nonce")
		if err == nil {
			t.Fatalf("forged token accepted: %+v", id)
		}
		if !errors.Is(err, oidc.ErrIdentity) {
			t.Fatalf("err = %v, want ErrIdentity", err)
		}
	})
}

// FuzzParsePrivateKey feeds arbitrary key files (uploaded by customer
// admins) to the key parser: errors are fine, panics and non-RSA or small
// keys are not.
func FuzzParsePrivateKey(f *testing.F) {
	k := testKey()
	f.Add(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)), "")
	if pfx, err := os.ReadFile("testdata/client-legacy.pfx"); err == nil {
		f.Add(pfx, "test")
	}
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "")
	f.Add([]byte{0x30, 0x82, 0x01, 0x00}, "x")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		key, _, err := oidc.ParsePrivateKey(data, password)
		if err != nil {
			return
		}
		if key == nil {
			t.Fatal("nil key without error")
		}
	})
}
