package saml_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

const (
	spEntityID = "https://app.example.com/saml/metadata"
	acsURL     = "https://app.example.com/saml/acs"
	requestID  = "id-4f1b0c5e"
)

// testNow is the fixed instant at which both the IdP and the SP live.
var testNow = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// testUser is a Torque-like user: comma-separated spaces and roles, a time
// zone and Entra group object IDs.
func testUser() ssotest.SAMLUser {
	groups := make([]string, 20)
	for i := range groups {
		groups[i] = fmt.Sprintf("6f1c%04d-8d2a-4b7e-9c11-%012d", i, i)
	}
	return ssotest.SAMLUser{
		NameID: "ada@customer.example",
		Attributes: []ssotest.SAMLAttribute{
			{Name: "space_name", Values: []string{"Trial", "DevOps"}},
			{Name: "space_role", Values: []string{"Space Member", "Space Developer"}},
			{Name: "timezone", Values: []string{"Europe/Berlin"}},
			{Name: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", FriendlyName: "groups", Values: groups},
		},
	}
}

// env is one IdP and one SP that trust each other, on a fixed clock.
type env struct {
	idp *ssotest.SAMLIdP
	sp  *saml.ServiceProvider
	cfg saml.Config
}

func newEnv(t testing.TB, mods ...func(*saml.Config)) *env {
	t.Helper()
	idp := ssotest.NewUnstartedSAMLIdP(testUser())
	key, cert := loadTestKey(t)
	idp.Key, idp.Certificate = key, cert
	idp.Start()
	t.Cleanup(idp.Close)
	idp.SPEntityID, idp.ACSURL, idp.Now = spEntityID, acsURL, fixedNow
	return newSPFor(t, idp, mods...)
}

func newSPFor(t testing.TB, idp *ssotest.SAMLIdP, mods ...func(*saml.Config)) *env {
	t.Helper()
	md, err := saml.ParseIdPMetadata(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	cfg := saml.Config{EntityID: spEntityID, ACSURL: acsURL, IdP: md, Now: fixedNow}
	for _, m := range mods {
		m(&cfg)
	}
	sp, err := saml.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{idp: idp, sp: sp, cfg: cfg}
}

// response returns a freshly signed response to requestID.
func (e *env) response(t testing.TB) []byte {
	t.Helper()
	b, err := e.idp.Response(requestID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadTestKey reads the IdP key committed in testdata, so that the fuzz
// corpus and golden documents stay verifiable.
func loadTestKey(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "idp-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	var key *rsa.PrivateKey
	var cert *x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			key = k.(*rsa.PrivateKey)
		case "CERTIFICATE":
			if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
				t.Fatal(err)
			}
		}
	}
	if key == nil || cert == nil {
		t.Fatal("testdata/idp-key.pem lacks a key or certificate")
	}
	return key, cert
}

func parseDoc(t testing.TB, b []byte) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		t.Fatal(err)
	}
	return doc
}

func writeDoc(t testing.TB, doc *etree.Document) []byte {
	t.Helper()
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// find returns the first element with the given local name, depth first.
func find(el *etree.Element, tag string) *etree.Element {
	if el.Tag == tag {
		return el
	}
	for _, c := range el.ChildElements() {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

func replaceBytes(t testing.TB, b []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("document lacks %q", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func base64Encoder(w io.Writer) io.WriteCloser { return base64.NewEncoder(base64.StdEncoding, w) }
