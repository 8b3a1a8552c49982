package saml_test

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

func signingEnv(t *testing.T) (*env, *x509.Certificate) {
	key, cert, err := ssotest.NewSAMLKeyPair("sp")
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, func(c *saml.Config) {
		c.SigningKey, c.SigningCert = key, cert
		c.Rand = bytes.NewReader(bytes.Repeat([]byte{0xab}, 1000))
	}), cert
}

func checkRequestXML(t *testing.T, e *env, raw []byte, req *saml.AuthnRequest) *etree.Element {
	t.Helper()
	doc := parseDoc(t, raw)
	r := doc.Root()
	if r.Tag != "AuthnRequest" || r.SelectAttrValue("ID", "") != req.ID ||
		r.SelectAttrValue("Destination", "") != e.idp.SSOURL() ||
		r.SelectAttrValue("AssertionConsumerServiceURL", "") != acsURL ||
		r.SelectAttrValue("IssueInstant", "") != "2027-03-01T12:00:00Z" ||
		find(r, "Issuer").Text() != spEntityID {
		t.Fatalf("AuthnRequest = %s", raw)
	}
	return r
}

func TestRedirectAuthnRequestIsSigned(t *testing.T) {
	e, cert := signingEnv(t)
	req, err := e.sp.RedirectAuthnRequest("/back?to=here")
	if err != nil {
		t.Fatal(err)
	}
	if req.ID != "id-"+strings.Repeat("ab", 20) {
		t.Fatalf("ID %q does not come from Config.Rand", req.ID)
	}
	u, _ := url.Parse(req.URL)
	q := u.Query()
	deflated, _ := base64.StdEncoding.DecodeString(q.Get("SAMLRequest"))
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(deflated)))
	if err != nil {
		t.Fatal(err)
	}
	checkRequestXML(t, e, raw, req)
	if q.Get("RelayState") != "/back?to=here" || q.Get("SigAlg") != dsig.RSASHA256SignatureMethod {
		t.Fatalf("query %v", q)
	}
	// The signature covers the raw query up to SigAlg (SAML bindings 3.4.4.1).
	signed := u.RawQuery[:strings.Index(u.RawQuery, "&Signature=")]
	sig, _ := base64.StdEncoding.DecodeString(q.Get("Signature"))
	digest := sha256.Sum256([]byte(signed))
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("redirect signature does not verify: %v", err)
	}
}

func TestPostAuthnRequestIsSigned(t *testing.T) {
	e, cert := signingEnv(t)
	req, err := e.sp.PostAuthnRequest("rs<&>")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(req.SAMLRequest)
	r := checkRequestXML(t, e, raw, req)
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.Clock = dsig.NewFakeClock(clockwork.NewFakeClockAt(testNow))
	if _, err := vc.Validate(r); err != nil {
		t.Fatalf("POST AuthnRequest signature does not verify: %v", err)
	}
	if r.ChildElements()[1].Tag != "Signature" {
		t.Fatalf("Signature must follow Issuer: %s", raw)
	}
	var page strings.Builder
	if err := req.PostForm(&page); err != nil {
		t.Fatal(err)
	}
	form := postedFormRequest(t, page.String())
	if form.Get("SAMLRequest") != req.SAMLRequest || form.Get("RelayState") != "rs<&>" || !strings.Contains(page.String(), `action="`+e.idp.SSOURL()+`"`) {
		t.Fatalf("form = %s", page.String())
	}
}

func TestUnsignedRedirectAuthnRequest(t *testing.T) {
	e := newEnv(t)
	req, err := e.sp.RedirectAuthnRequest("")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(req.URL)
	if q := u.Query(); q.Has("Signature") || q.Has("SigAlg") || q.Has("RelayState") || q.Get("SAMLRequest") == "" {
		t.Fatalf("query %v", q)
	}
}

func postedFormRequest(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range formField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	return v
}
