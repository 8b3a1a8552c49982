package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/oidc"
)

func validConfig() oidc.Config {
	return oidc.Config{Issuer: "https://login.example", ClientID: "c", ClientSecret: "s",
		RedirectURL: testRedirect, StateKey: make([]byte, 32)}
}

func TestNewValidates(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	tests := []struct {
		name string
		mod  func(*oidc.Config)
		want string
	}{
		{"missing issuer", func(c *oidc.Config) { c.Issuer = "" }, "Issuer"},
		{"relative redirect URL", func(c *oidc.Config) { c.RedirectURL = "/cb" }, "RedirectURL"},
		{"issuer template instead of discovery URL", func(c *oidc.Config) { c.Issuer = "https://login.microsoftonline.com/{tenantid}/v2.0" }, "template"},
		{"missing client ID", func(c *oidc.Config) { c.ClientID = "" }, "ClientID"},
		{"missing secret", func(c *oidc.Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"private_key_jwt without key", func(c *oidc.Config) { c.AuthMethod = oidc.PrivateKeyJWT }, "PrivateKey"},
		{"private_key_jwt with a small key", func(c *oidc.Config) { c.AuthMethod, c.PrivateKey = oidc.PrivateKeyJWT, small }, "too small"},
		{"short state key", func(c *oidc.Config) { c.StateKey = make([]byte, 16) }, "StateKey"},
		{"HS256 allowed", func(c *oidc.Config) { c.SigningAlgorithms = []string{"RS256", "HS256"} }, "HS256"},
		{"none allowed", func(c *oidc.Config) { c.SigningAlgorithms = []string{"none"} }, "none"},
		{"skew too large", func(c *oidc.Config) { c.ClockSkew = oidc.DefaultStateTTL + 1 }, "ClockSkew"},
		{"unknown auth method", func(c *oidc.Config) { c.AuthMethod = 9 }, "AuthMethod"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			c := validConfig()
			tt.mod(&c)
			_, err := oidc.New(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	t.Run("every problem is reported at once", func(t *testing.T) {
		_, err := oidc.New(oidc.Config{})
		for _, want := range []string{"Issuer", "RedirectURL", "ClientID", "ClientSecret", "StateKey"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, missing %q", err, want)
			}
		}
	})
	t.Run("valid config is accepted", func(t *testing.T) {
		if _, err := oidc.New(validConfig()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNewAcceptsDiscoveryDocumentURL(t *testing.T) {
	e := newEnv(t, nil, func(c *oidc.Config) { c.Issuer += "/.well-known/openid-configuration" })
	if _, err := e.fullLogin(t); err != nil {
		t.Fatal(err)
	}
}

func TestErrorMessagesClipProviderValues(t *testing.T) {
	err := &oidc.IssuerError{Got: strings.Repeat("x", 5000), Want: "https://login.example"}
	if n := len(err.Error()); n > 300 {
		t.Errorf("error message of %d bytes", n)
	}
}
