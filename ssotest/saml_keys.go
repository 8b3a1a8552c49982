package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// NewSAMLKeyPair generates an RSA-2048 key and a self-signed certificate for
// it, valid from 2000 to 2100 so that tests with any injected clock accept
// it. Use it for an SP signing or decryption key, or to make a SAMLIdP sign
// with a key its metadata does not publish.
func NewSAMLKeyPair(commonName string) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return key, cert, nil
}

// SAMLCertificatePEM encodes a certificate as PEM, the form IdP consoles show.
func SAMLCertificatePEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// SignSAMLElement adds an enveloped RSA-SHA256 signature (exclusive C14N)
// to el, a SAML Response or Assertion carrying its own namespace
// declarations, placed right after its Issuer. The signature's KeyInfo
// carries cert. Tests use it to sign hand-made documents.
func SignSAMLElement(el *etree.Element, key *rsa.PrivateKey, cert *x509.Certificate) error {
	return signSAMLElement(el, key, cert, dsig.RSASHA256SignatureMethod)
}

func signSAMLElement(el *etree.Element, key *rsa.PrivateKey, cert *x509.Certificate, method string) error {
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		return err
	}
	if err := ctx.SetSignatureMethod(method); err != nil {
		return err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	sig, err := ctx.ConstructSignature(el, true)
	if err != nil {
		return err
	}
	at := 0
	for i, t := range el.Child {
		if c, ok := t.(*etree.Element); ok && c.Tag == "Issuer" {
			at = i + 1
			break
		}
	}
	el.InsertChildAt(at, sig)
	return nil
}
