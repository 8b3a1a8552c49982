package saml_test

import (
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

// withDecryption gives the SP the test key as its decryption key.
func withDecryption(t *testing.T) func(*saml.Config) {
	key, cert := loadTestKey(t)
	return func(c *saml.Config) { c.DecryptionKey, c.DecryptionCert = key, cert }
}

// encrypted builds a response whose assertion (signed per mode) is
// encrypted to the SP with crewjam/saml's XML Encryption (AES-128-CBC,
// RSA-OAEP), optionally edited before encryption, and then, if
// signResponse, signs the response around it.
func encrypted(mode ssotest.SAMLSigning, signResponse bool, edit func(string) string) func(*testing.T, *env) ([]byte, []string) {
	return func(t *testing.T, e *env) ([]byte, []string) {
		e.idp.Signing = mode
		doc := parseDoc(t, e.response(t))
		resp := doc.Root()
		a := find(resp, "Assertion")
		plain := etree.NewDocument()
		plain.SetRoot(a.Copy())
		text := string(writeDoc(t, plain))
		if edit != nil {
			text = edit(text)
		}
		_, cert := loadTestKey(t)
		enc := xmlenc.OAEP()
		enc.BlockCipher = xmlenc.AES128CBC
		enc.DigestMethod = &xmlenc.SHA1
		data, err := enc.Encrypt(cert, []byte(text), nil)
		if err != nil {
			t.Fatal(err)
		}
		data.CreateAttr("Type", "http://www.w3.org/2001/04/xmlenc#Element")
		ea := etree.NewElement("saml:EncryptedAssertion")
		ea.AddChild(data)
		resp.InsertChildAt(a.Index(), ea)
		resp.RemoveChild(a)
		if signResponse {
			if err := ssotest.SignSAMLElement(resp, e.idp.Key, e.idp.Certificate); err != nil {
				t.Fatal(err)
			}
		}
		return writeDoc(t, doc), []string{requestID}
	}
}

func encryptionCases(t *testing.T) []securityCase {
	dec := withDecryption(t)
	foreign := func(s string) string {
		return strings.ReplaceAll(s, `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"`, `xmlns:saml="urn:evil:assertion"`)
	}
	return []securityCase{
		{name: "encrypted signed assertion is accepted", cfg: dec, build: encrypted(ssotest.SAMLSignAssertionOnly, false, nil)},
		{name: "encrypted unsigned assertion in a signed response is accepted", cfg: dec, build: encrypted(ssotest.SAMLSignNothing, true, nil)},
		{name: "encrypted unsigned assertion in an unsigned response is rejected", cfg: dec, build: encrypted(ssotest.SAMLSignNothing, false, nil), want: saml.ErrSignature},
		{name: "encrypted assertion without a decryption key is rejected", build: encrypted(ssotest.SAMLSignAssertionOnly, false, nil), want: saml.ErrDecrypt},
		{name: "encrypted payload outside the SAML namespace is rejected", cfg: dec, build: encrypted(ssotest.SAMLSignNothing, true, foreign), want: saml.ErrMalformed},
		{name: "encrypted payload with a DOCTYPE is rejected", cfg: dec, build: encrypted(ssotest.SAMLSignNothing, true, func(s string) string {
			return "<!DOCTYPE x>" + s
		}), want: saml.ErrForbiddenXML},
		{name: "encrypted signed assertion edited before encryption is rejected", cfg: dec, build: encrypted(ssotest.SAMLSignAssertionOnly, false, func(s string) string {
			return strings.Replace(s, "ada@customer.example", evilNameID, 1)
		}), want: saml.ErrSignature},
	}
}
