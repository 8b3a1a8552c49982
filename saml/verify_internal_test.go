package saml

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// TestIdentityIsReadFromTheSignedElement checks the design rule behind the
// comment-injection defence: the assertion handed to the SAML checks is the
// canonical form goxmldsig verified (comments gone), not the parsed input.
func TestIdentityIsReadFromTheSignedElement(t *testing.T) {
	key, cert := internalTestKey(t)
	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", nsAssertion)
	a.CreateAttr("ID", "_a1")
	a.CreateElement("saml:Issuer").SetText("https://idp.example.com")
	a.CreateElement("saml:NameID").SetText("user@evil.com.example.com")
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	signed, err := ctx.SignEnveloped(a)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(signed)
	raw, _ := doc.WriteToString()
	raw = strings.Replace(raw, "user@evil.com.example.com", "user@evil.com<!---->.example.com", 1)
	parsed, err := parseXML([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	sp := &ServiceProvider{cfg: Config{IdP: &IdP{Certificates: []*x509.Certificate{cert}}}}
	v := &verification{sp: sp, now: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	verified, ok, err := v.verifySigned(parsed.Root(), "Assertion", true)
	if err != nil || !ok {
		t.Fatalf("verifySigned: %v", err)
	}
	if verified == parsed.Root() {
		t.Fatal("verifySigned returned the input tree, not the verified element")
	}
	for _, tok := range verified.FindElement(".//NameID").Child {
		if _, isComment := tok.(*etree.Comment); isComment {
			t.Fatal("verified NameID still holds the injected comment")
		}
	}
}

func internalTestKey(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	data, err := os.ReadFile("testdata/idp-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	var key *rsa.PrivateKey
	var cert *x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		switch block.Type {
		case "PRIVATE KEY":
			k, _ := x509.ParsePKCS8PrivateKey(block.Bytes)
			key, _ = k.(*rsa.PrivateKey)
		case "CERTIFICATE":
			cert, _ = x509.ParseCertificate(block.Bytes)
		}
	}
	if key == nil || cert == nil {
		t.Fatal("bad testdata/idp-key.pem")
	}
	return key, cert
}
