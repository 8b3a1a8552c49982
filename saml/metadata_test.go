package saml_test

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/russellhaering/gosaml2/types"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

func TestParseIdPMetadataKeepsEveryCertificate(t *testing.T) {
	idp := ssotest.NewSAMLIdP(testUser())
	defer idp.Close()
	_, next, err := ssotest.NewSAMLKeyPair("next")
	if err != nil {
		t.Fatal(err)
	}
	idp.MetadataCertificates = append(idp.MetadataCertificates, idp.Certificate, next)
	md, err := saml.ParseIdPMetadata(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	if md.EntityID != idp.EntityID || len(md.Certificates) != 2 || !md.Certificates[1].Equal(next) {
		t.Fatalf("got %+v", md)
	}
	if md.SSOURLs[saml.BindingHTTPRedirect] != idp.SSOURL() || md.SSOURLs[saml.BindingHTTPPOST] != idp.SSOURL() {
		t.Fatalf("SSO URLs %v", md.SSOURLs)
	}
	wrapped := `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">` +
		strings.TrimPrefix(string(idp.Metadata()), `<?xml version="1.0" encoding="UTF-8"?>`) + `</md:EntitiesDescriptor>`
	if md, err := saml.ParseIdPMetadata([]byte(wrapped)); err != nil || md.EntityID != idp.EntityID {
		t.Fatalf("EntitiesDescriptor: %v %+v", err, md)
	}
}

func TestKeyRolloverAcceptsEitherCertificate(t *testing.T) {
	e := newEnv(t)
	nextKey, nextCert, err := ssotest.NewSAMLKeyPair("next")
	if err != nil {
		t.Fatal(err)
	}
	e.idp.MetadataCertificates = append(e.idp.MetadataCertificates, e.idp.Certificate, nextCert)
	e = newSPFor(t, e.idp)
	if _, err := e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID}); err != nil {
		t.Fatalf("old key: %v", err)
	}
	e.idp.Key, e.idp.Certificate = nextKey, nextCert
	if _, err := e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID}); err != nil {
		t.Fatalf("new key: %v", err)
	}
}

func TestParseIdPMetadataRejectsBadInput(t *testing.T) {
	idp := ssotest.NewSAMLIdP(testUser())
	defer idp.Close()
	good := string(idp.Metadata())
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"not XML", "nope", saml.ErrMetadata},
		{"no IDPSSODescriptor", `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`, saml.ErrMetadata},
		{"no signing certificate", strings.ReplaceAll(good, `use="signing"`, `use="encryption"`), saml.ErrMetadata},
		{"bad certificate", strings.Replace(good, "<ds:X509Certificate>", "<ds:X509Certificate>AAAA", 1), saml.ErrMetadata},
		{"DOCTYPE", `<!DOCTYPE x>` + good, saml.ErrMetadata},
		{"oversized", strings.Repeat(" ", saml.MaxMetadataBytes+1), saml.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := saml.ParseIdPMetadata([]byte(tt.doc)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFetchIdPMetadata(t *testing.T) {
	idp := ssotest.NewSAMLIdP(testUser())
	defer idp.Close()
	md, err := saml.FetchIdPMetadata(context.Background(), idp.Client(), idp.MetadataURL())
	if err != nil || md.EntityID != idp.EntityID {
		t.Fatalf("%v %+v", err, md)
	}
	if _, err := saml.FetchIdPMetadata(context.Background(), idp.Client(), idp.URL+"/missing"); !errors.Is(err, saml.ErrMetadata) {
		t.Fatalf("404: err = %v", err)
	}
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer slow.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := saml.FetchIdPMetadata(ctx, slow.Client(), slow.URL); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout: err = %v, want context.DeadlineExceeded", err)
	}
}

func TestIdPFromSettings(t *testing.T) {
	_, cert, err := ssotest.NewSAMLKeyPair("okta")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]string{
		"PEM":    ssotest.SAMLCertificatePEM(cert),
		"base64": base64.StdEncoding.EncodeToString(cert.Raw),
	} {
		t.Run(name, func(t *testing.T) {
			idp, err := saml.IdPFromSettings("http://www.okta.com/exk1", "https://acme.okta.com/app/x/sso/saml", c)
			if err != nil {
				t.Fatal(err)
			}
			if idp.EntityID != "http://www.okta.com/exk1" || !idp.Certificates[0].Equal(cert) ||
				idp.SSOURLs[saml.BindingHTTPRedirect] != "https://acme.okta.com/app/x/sso/saml" {
				t.Fatalf("got %+v", idp)
			}
		})
	}
	if _, err := saml.IdPFromSettings("x", "https://idp/sso", "not a certificate"); !errors.Is(err, saml.ErrConfig) {
		t.Fatalf("bad certificate: err = %v", err)
	}
	if _, err := saml.IdPFromSettings("x", "sso", ssotest.SAMLCertificatePEM(cert)); !errors.Is(err, saml.ErrConfig) {
		t.Fatalf("relative SSO URL: err = %v", err)
	}
}

func TestSPMetadata(t *testing.T) {
	key, cert, err := ssotest.NewSAMLKeyPair("sp")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *saml.Config) {
		c.SigningKey, c.SigningCert, c.DecryptionKey, c.DecryptionCert = key, cert, key, cert
	})
	raw, err := e.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	var ed types.EntityDescriptor
	if err := xml.Unmarshal(raw, &ed); err != nil {
		t.Fatalf("gosaml2 cannot read our metadata: %v\n%s", err, raw)
	}
	d := ed.SPSSODescriptor
	if ed.EntityID != spEntityID || d == nil || len(d.AssertionConsumerServices) != 1 ||
		d.AssertionConsumerServices[0].Location != acsURL || d.AssertionConsumerServices[0].Binding != saml.BindingHTTPPOST ||
		!d.AuthnRequestsSigned || !d.WantAssertionsSigned || len(d.KeyDescriptors) != 2 {
		t.Fatalf("metadata = %s", raw)
	}
	uses := d.KeyDescriptors[0].Use + "," + d.KeyDescriptors[1].Use
	if uses != "signing,encryption" || d.KeyDescriptors[0].KeyInfo.X509Data.X509Certificates[0].Data != base64.StdEncoding.EncodeToString(cert.Raw) {
		t.Fatalf("key descriptors %+v", d.KeyDescriptors)
	}
}
