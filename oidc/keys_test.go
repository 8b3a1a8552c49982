package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

func TestGenerateKey(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	g, err := oidc.GenerateKey(oidc.KeyRequest{CommonName: "ssokit acme", Bits: 2048, Rand: rand.Reader, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(g.KeyPEM)
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		t.Fatalf("key PEM is not PKCS#1: %q", g.KeyPEM[:40])
	}
	if g.Certificate.Subject.CommonName != "ssokit acme" || !g.Certificate.NotAfter.After(now.Add(365*24*time.Hour)) {
		t.Errorf("certificate = %v until %v", g.Certificate.Subject, g.Certificate.NotAfter)
	}
	c := g.Certificate
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		t.Errorf("certificate is not self-signed: %v", err)
	}
	key, cert, err := oidc.ParsePrivateKey(append(g.KeyPEM, g.CertificatePEM...), "")
	if err != nil {
		t.Fatal(err)
	}
	if !key.Public().(*rsa.PublicKey).Equal(&g.Key.PublicKey) || oidc.Thumbprint(cert) != g.Thumbprint {
		t.Error("round trip through PEM changed the key or certificate")
	}
	if _, err := oidc.GenerateKey(oidc.KeyRequest{Bits: 1024, Rand: rand.Reader}); err == nil {
		t.Error("1024-bit key generated")
	}
}

func TestParsePrivateKey(t *testing.T) {
	k := testKey()
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	certPEM, _ := os.ReadFile("testdata/client-cert.pem")
	legacy, _ := os.ReadFile("testdata/client-legacy.pfx")
	aes, _ := os.ReadFile("testdata/client-aes.pfx")
	tests := []struct {
		name     string
		data     []byte
		password string
		wantCert bool
		wantErr  bool
	}{
		{"PKCS#1 PEM", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)), "", false, false},
		{"PKCS#8 PEM", pemOf("PRIVATE KEY", pkcs8), "", false, false},
		{"PKCS#12 (legacy 3DES)", legacy, "test", true, false},
		{"PKCS#12 with a wrong password is refused", legacy, "nope", false, true},
		{"PKCS#12 with AES (PBES2) is refused with an error", aes, "test", false, true},
		{"certificate of another key is refused", append(pemOf("PRIVATE KEY", pkcs8), certPEM...), "", false, true},
		{"1024-bit key is refused", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)), "", false, true},
		{"certificate alone is refused", certPEM, "", false, true},
		{"garbage is refused", []byte("not a key"), "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, cert, err := oidc.ParsePrivateKey(tt.data, tt.password)
			if tt.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				if hint := strings.Contains(err.Error(), "-legacy"); hint != strings.Contains(tt.name, "AES") {
					t.Errorf("PKCS#12 hint %v in %q", hint, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := key.(*rsa.PrivateKey); !ok || (cert != nil) != tt.wantCert {
				t.Errorf("key %T, certificate %v", key, cert != nil)
			}
		})
	}
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestPrivateKeyJWT(t *testing.T) {
	gen, err := oidc.GenerateKey(oidc.KeyRequest{CommonName: "rp", Bits: 2048, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	other, err := oidc.GenerateKey(oidc.KeyRequest{CommonName: "rp", Bits: 2048, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		key     *oidc.GeneratedKey
		cert    *oidc.GeneratedKey
		wantErr bool
	}{
		{"assertion signed with the registered key is accepted", gen, gen, false},
		{"assertion signed with another key is refused", other, other, true},
		{"x5t of another certificate is refused", gen, other, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *ssotest.OIDCProviderConfig) {
				c.Clients[0] = ssotest.OIDCClient{ID: testClientID, RedirectURIs: []string{testRedirect},
					AuthMethod: ssotest.OIDCPrivateKeyJWT, Certificate: gen.Certificate}
			}, func(c *oidc.Config) {
				c.AuthMethod, c.ClientSecret = oidc.PrivateKeyJWT, ""
				c.PrivateKey, c.Certificate = tt.key.Key, tt.cert.Certificate
				c.OfflineAccess = true
			})
			tok, err := e.fullLogin(t)
			if tt.wantErr {
				var ex *oidc.ExchangeError
				if !errors.As(err, &ex) || ex.Code != "invalid_client" {
					t.Fatalf("err = %v, want invalid_client", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Refresh authenticates with a fresh assertion too.
			if _, err := e.rp.Refresh(context.Background(), oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: tok.Subject}); err != nil {
				t.Fatalf("refresh: %v", err)
			}
		})
	}
}

func TestClientAssertionHeaders(t *testing.T) {
	gen, err := oidc.GenerateKey(oidc.KeyRequest{Bits: 2048, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	rp, err := oidc.New(oidc.Config{Issuer: "https://login.example", ClientID: "c", RedirectURL: testRedirect,
		AuthMethod: oidc.PrivateKeyJWT, PrivateKey: gen.Key, Certificate: gen.Certificate, StateKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := rp.ClientAssertion("https://login.example/token")
	if err != nil {
		t.Fatal(err)
	}
	h := decodeSegment(t, a, 0)
	if h["x5t"] != gen.Thumbprint || h["kid"] != gen.Thumbprint || h["alg"] != "RS256" {
		t.Errorf("header = %v", h)
	}
	c := decodeSegment(t, a, 1)
	if c["iss"] != "c" || c["sub"] != "c" || c["aud"] != "https://login.example/token" || c["jti"] == "" {
		t.Errorf("claims = %v", c)
	}
	b, _ := rp.ClientAssertion("https://login.example/token")
	if decodeSegment(t, b, 1)["jti"] == c["jti"] {
		t.Error("jti repeated")
	}
}
