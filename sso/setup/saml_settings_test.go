package setup_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso/setup"
	"github.com/ssokit/ssokit/ssotest"
)

// certPEM is a self-signed certificate valid until notAfter.
func certPEM(t *testing.T, notAfter time.Time) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "idp-signing"},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestSAMLSettingsVariants(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	idp := newSAMLIdP(t)
	cases := []struct {
		name     string
		params   map[string]any
		warnings int
		field    string
	}{
		{"metadata XML", map[string]any{"metadataXml": string(idp.Metadata())}, 0, ""},
		{"issuer, SSO URL and certificate", map[string]any{"idpIssuer": idp.EntityID, "ssoUrl": idp.URL + "/sso",
			"certificate": ssotest.SAMLCertificatePEM(idp.Certificate)}, 0, ""},
		{"a certificate expiring in 10 days warns", map[string]any{"idpIssuer": "https://idp.example", "ssoUrl": "https://idp.example/sso",
			"certificate": certPEM(t, t0.Add(10*24*time.Hour))}, 1, "parameters.certificate"},
		{"a certificate expiring in 40 days does not warn", map[string]any{"idpIssuer": "https://idp.example", "ssoUrl": "https://idp.example/sso",
			"certificate": certPEM(t, t0.Add(40*24*time.Hour))}, 0, ""},
		{"an expired certificate warns", map[string]any{"idpIssuer": "https://idp.example", "ssoUrl": "https://idp.example/sso",
			"certificate": certPEM(t, t0.Add(-time.Hour))}, 1, "parameters.certificate"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "saml" + string(rune('a'+i))
			var res setup.SaveResult
			c.json("POST", "/setup/api/connections", map[string]any{"id": id, "kind": "saml", "parameters": tc.params}, 201, &res)
			if len(res.Connection.Warnings) != tc.warnings {
				t.Fatalf("warnings %+v, want %d", res.Connection.Warnings, tc.warnings)
			}
			if tc.warnings > 0 && res.Connection.Warnings[0].Field != tc.field {
				t.Fatalf("warning at %q", res.Connection.Warnings[0].Field)
			}
		})
	}
	t.Run("issuer without certificate is refused per field", func(t *testing.T) {
		var apiErr setup.APIError
		c.json("POST", "/setup/api/connections", map[string]any{"id": "bad", "kind": "saml",
			"parameters": map[string]any{"idpIssuer": "https://idp.example", "ssoUrl": "https://idp.example/sso"}}, 422, &apiErr)
		if len(apiErr.Problems) != 1 || apiErr.Problems[0].Field != "parameters.certificate" ||
			!strings.Contains(apiErr.Problems[0].Path, `$["acme"]`) {
			t.Fatalf("problems %+v", apiErr.Problems)
		}
	})
}
