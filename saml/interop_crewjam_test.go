package saml_test

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

// spMetadataProvider hands crewjam's IdP the SP metadata we generate, parsed
// by crewjam itself.
type spMetadataProvider struct{ ed *crewjam.EntityDescriptor }

func (p spMetadataProvider) GetServiceProvider(_ *http.Request, id string) (*crewjam.EntityDescriptor, error) {
	if id != p.ed.EntityID {
		return nil, os.ErrNotExist
	}
	return p.ed, nil
}

// fixedSession logs in the same user on every request.
type fixedSession struct{}

func (fixedSession) GetSession(http.ResponseWriter, *http.Request, *crewjam.IdpAuthnRequest) *crewjam.Session {
	return &crewjam.Session{ID: "s1", Index: "idx-1", CreateTime: time.Now(), NameID: "grace@customer.example",
		NameIDFormat: string(crewjam.EmailAddressNameIDFormat), UserEmail: "grace@customer.example",
		Groups: []string{"6f1c0001-8d2a-4b7e-9c11-000000000001", "6f1c0002-8d2a-4b7e-9c11-000000000002"},
		CustomAttributes: []crewjam.Attribute{{Name: "space_name", Values: []crewjam.AttributeValue{
			{Type: "xs:string", Value: "Trial"}, {Type: "xs:string", Value: "DevOps"}}}}}
}

// TestInteropCrewjamIdP runs crewjam/saml's IdentityProvider in process: it
// reads our SP metadata and AuthnRequest (redirect binding, signed), signs
// with RSA-SHA256, and encrypts the assertion when our metadata offers an
// encryption key. Our SP fetches the IdP's metadata over HTTP.
func TestInteropCrewjamIdP(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		name := map[bool]string{false: "signed assertion", true: "encrypted assertion"}[encrypted]
		t.Run(name, func(t *testing.T) { crewjamLogin(t, encrypted, dsig.RSASHA256SignatureMethod) })
	}
	t.Run("SHA-1 signature is rejected unless allowed", func(t *testing.T) {
		crewjamLogin(t, false, dsig.RSASHA1SignatureMethod)
	})
}

func crewjamLogin(t *testing.T, encrypted bool, sigMethod string) {
	key, cert, err := ssotest.NewSAMLKeyPair("crewjam IdP")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mdURL, _ := url.Parse(srv.URL + "/metadata")
	ssoURL, _ := url.Parse(srv.URL + "/sso")
	idp := &crewjam.IdentityProvider{Key: key, Certificate: cert, Logger: logger.DefaultLogger,
		MetadataURL: *mdURL, SSOURL: *ssoURL,
		SessionProvider: fixedSession{}, SignatureMethod: sigMethod}
	mux.Handle("/", idp.Handler())

	md, err := saml.FetchIdPMetadata(context.Background(), srv.Client(), srv.URL+"/metadata")
	if err != nil {
		t.Fatal(err)
	}
	spKey, spCert, err := ssotest.NewSAMLKeyPair("sp")
	if err != nil {
		t.Fatal(err)
	}
	cfg := saml.Config{EntityID: spEntityID, ACSURL: acsURL, IdP: md, SigningKey: spKey, SigningCert: spCert}
	if encrypted {
		cfg.DecryptionKey, cfg.DecryptionCert = spKey, spCert
	}
	sp, err := saml.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	spMD, err := sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	var ed crewjam.EntityDescriptor
	if err := xml.Unmarshal(spMD, &ed); err != nil {
		t.Fatalf("crewjam cannot read our SP metadata: %v", err)
	}
	idp.ServiceProviderProvider = spMetadataProvider{&ed}

	req, err := sp.RedirectAuthnRequest("state-1")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Get(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("crewjam IdP answered %d: %s", resp.StatusCode, body)
	}
	form := postedForm(t, string(body))
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if got := strings.Contains(string(raw), "EncryptedAssertion"); got != encrypted {
		t.Fatalf("response has EncryptedAssertion = %v, want %v", got, encrypted)
	}
	if encrypted {
		plain := cfg
		plain.DecryptionKey, plain.DecryptionCert = nil, nil
		noKey, err := saml.New(plain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := noKey.VerifyResponse(context.Background(), form.Get("SAMLResponse"), []string{req.ID}); !errors.Is(err, saml.ErrDecrypt) {
			t.Fatalf("without DecryptionKey: err = %v, want ErrDecrypt", err)
		}
	}
	if sigMethod == dsig.RSASHA1SignatureMethod {
		_, err := sp.VerifyResponse(context.Background(), form.Get("SAMLResponse"), []string{req.ID})
		if !errors.Is(err, saml.ErrSignature) || !strings.Contains(err.Error(), "SHA-1") {
			t.Fatalf("SHA-1: err = %v, want ErrSignature", err)
		}
		cfg.InsecureAllowSHA1 = true
		if sp, err = saml.New(cfg); err != nil {
			t.Fatal(err)
		}
	}
	a, err := sp.VerifyResponse(context.Background(), form.Get("SAMLResponse"), []string{req.ID})
	if err != nil {
		t.Fatalf("verifying crewjam's response: %v", err)
	}
	if a.NameID.Value != "grace@customer.example" || a.InResponseTo != req.ID || form.Get("RelayState") != "state-1" {
		t.Errorf("NameID %q InResponseTo %q RelayState %q", a.NameID.Value, a.InResponseTo, form.Get("RelayState"))
	}
	if got := a.Values("space_name"); !slices.Equal(got, []string{"Trial", "DevOps"}) {
		t.Errorf("space_name = %q", got)
	}
	if got := a.Values("eduPersonAffiliation"); len(got) != 2 {
		t.Errorf("groups (eduPersonAffiliation) = %q; attributes %+v", got, a.Attributes)
	}
	if !a.AssertionSigned {
		t.Errorf("crewjam signs the assertion; AssertionSigned = false")
	}
}
