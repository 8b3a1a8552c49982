package oidc

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/pkcs12"
)

// MaxKeyFileBytes bounds the key files ParsePrivateKey accepts.
const MaxKeyFileBytes = 64 << 10

// Thumbprint returns the base64url SHA-1 thumbprint of a certificate, the
// x5t value Entra ID matches against uploaded certificates.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ParsePrivateKey reads an RSA private key for private_key_jwt from PEM
// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", optionally followed or
// preceded by its "CERTIFICATE") or from a PKCS#12 / .pfx file protected by
// password. The certificate is nil when the input has none.
//
// PKCS#12 files are read with golang.org/x/crypto/pkcs12, which supports
// the classic PBE-SHA1-3DES encryption (Windows, Entra ID and OpenSSL
// "-legacy" exports) but not OpenSSL 3's default PBES2/AES-256.
func ParsePrivateKey(data []byte, password string) (crypto.Signer, *x509.Certificate, error) {
	if len(data) > MaxKeyFileBytes {
		return nil, nil, errors.New("oidc: key file too large")
	}
	var key any
	var cert *x509.Certificate
	var err error
	if block, _ := pem.Decode(data); block != nil {
		key, cert, err = parsePEM(data)
	} else {
		key, cert, err = pkcs12.Decode(data, password)
		err = pkcs12Hint(err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("oidc: reading private key: %w", err)
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("oidc: private key must be RSA, got %T", key)
	}
	if err := checkSigningKey(rsaKey); err != nil {
		return nil, nil, fmt.Errorf("oidc: %w", err)
	}
	if cert != nil && !rsaKey.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, errors.New("oidc: certificate does not match the private key")
	}
	return rsaKey, cert, nil
}

// pkcs12Hint explains the most common PKCS#12 failure: an encryption
// algorithm x/crypto/pkcs12 does not implement.
func pkcs12Hint(err error) error {
	var ni pkcs12.NotImplementedError
	if err != nil && (errors.As(err, &ni) || strings.Contains(err.Error(), "unknown digest algorithm")) {
		return fmt.Errorf("%w (PKCS#12 with AES/PBES2 encryption is not supported: "+
			"re-export with openssl pkcs12 -legacy, or upload PEM)", err)
	}
	return err
}

func parsePEM(data []byte) (key any, cert *x509.Certificate, err error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "CERTIFICATE":
			if cert == nil {
				cert, err = x509.ParseCertificate(block.Bytes)
			}
		case "ENCRYPTED PRIVATE KEY":
			err = errors.New("encrypted PEM keys are not supported; use PKCS#12")
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if key == nil {
		return nil, nil, errors.New("no private key in PEM input")
	}
	return key, cert, nil
}

// KeyRequest describes a key and self-signed certificate to generate.
type KeyRequest struct {
	CommonName string        // subject CN, e.g. "ssokit acme-corp"
	Validity   time.Duration // default two years
	Bits       int           // RSA size, default 3072, minimum 2048
	Now        func() time.Time
	Rand       io.Reader // required: the source of the key
}

// GeneratedKey is a new RSA key with its self-signed certificate, ready for
// the admin to upload the certificate to the provider (Entra ID: App
// registrations, Certificates & secrets) and for the host to store the key.
type GeneratedKey struct {
	Key            *rsa.PrivateKey
	Certificate    *x509.Certificate
	KeyPEM         []byte // PKCS#1 "RSA PRIVATE KEY"
	CertificatePEM []byte // "CERTIFICATE"
	Thumbprint     string // x5t of the certificate
}

// GenerateKey creates an RSA key and a self-signed certificate for
// private_key_jwt client authentication ("Generate PKCS#1 private key").
func GenerateKey(req KeyRequest) (*GeneratedKey, error) {
	if req.Rand == nil {
		return nil, errors.New("oidc: KeyRequest.Rand is required")
	}
	bits, validity, now := req.Bits, req.Validity, time.Now
	if bits == 0 {
		bits = 3072
	}
	if bits < 2048 {
		return nil, fmt.Errorf("oidc: RSA key of %d bits is too small", bits)
	}
	if validity <= 0 {
		validity = 2 * 365 * 24 * time.Hour
	}
	if req.Now != nil {
		now = req.Now
	}
	key, err := rsa.GenerateKey(req.Rand, bits)
	if err != nil {
		return nil, err
	}
	cert, der, err := selfSign(key, req, now(), validity)
	if err != nil {
		return nil, err
	}
	return &GeneratedKey{
		Key: key, Certificate: cert,
		KeyPEM:         pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		CertificatePEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Thumbprint:     Thumbprint(cert),
	}, nil
}

func selfSign(key *rsa.PrivateKey, req KeyRequest, now time.Time, validity time.Duration) (*x509.Certificate, []byte, error) {
	serial := make([]byte, 16)
	if _, err := io.ReadFull(req.Rand, serial); err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(serial),
		Subject:               pkix.Name{CommonName: req.CommonName},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(req.Rand, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, der, err
}
