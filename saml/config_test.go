package saml_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

func TestNewValidatesConfig(t *testing.T) {
	key, cert, err := ssotest.NewSAMLKeyPair("x")
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	idp := func() *saml.IdP {
		return &saml.IdP{EntityID: "https://idp.example.com", Certificates: []*x509.Certificate{cert},
			SSOURLs: map[string]string{saml.BindingHTTPRedirect: "https://idp.example.com/sso"}}
	}
	valid := func() saml.Config { return saml.Config{EntityID: spEntityID, ACSURL: acsURL, IdP: idp()} }
	tests := []struct {
		name string
		mod  func(*saml.Config)
	}{
		{"missing entity ID is rejected", func(c *saml.Config) { c.EntityID = "" }},
		{"relative ACS URL is rejected", func(c *saml.Config) { c.ACSURL = "/saml/acs" }},
		{"missing IdP is rejected", func(c *saml.Config) { c.IdP = nil }},
		{"IdP without certificate is rejected", func(c *saml.Config) { c.IdP.Certificates = nil }},
		{"IdP without entity ID is rejected", func(c *saml.Config) { c.IdP.EntityID = "" }},
		{"relative IdP SSO URL is rejected", func(c *saml.Config) { c.IdP.SSOURLs[saml.BindingHTTPPOST] = "sso" }},
		{"signing key without certificate is rejected", func(c *saml.Config) { c.SigningKey = key }},
		{"non-RSA signing key is rejected", func(c *saml.Config) { c.SigningKey, c.SigningCert = ecKey, cert }},
		{"decryption key without certificate is rejected", func(c *saml.Config) { c.DecryptionKey = key }},
		{"negative clock skew is rejected", func(c *saml.Config) { c.ClockSkew = -time.Second }},
		{"huge clock skew is rejected", func(c *saml.Config) { c.ClockSkew = time.Hour }},
		{"negative size limit is rejected", func(c *saml.Config) { c.MaxResponseBytes = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.mod(&cfg)
			if _, err := saml.New(cfg); !errors.Is(err, saml.ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
	if _, err := saml.New(valid()); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
}
