package saml

import (
	"crypto/tls"
	"encoding/xml"
	"fmt"

	"github.com/beevik/etree"
	"github.com/russellhaering/gosaml2/types"
)

// decrypt turns an EncryptedAssertion into the Assertion element it holds,
// using gosaml2's XML Encryption support. The plaintext goes through the
// same parser checks as the response itself.
func (v *verification) decrypt(enc *etree.Element) (*etree.Element, error) {
	key := v.sp.cfg.DecryptionKey
	if key == nil {
		return nil, fmt.Errorf("%w: response holds an EncryptedAssertion but no DecryptionKey is configured", ErrDecrypt)
	}
	detached, err := detach(enc)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.SetRoot(detached)
	raw, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	var ea types.EncryptedAssertion
	if err := xml.Unmarshal(raw, &ea); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	cert := &tls.Certificate{Certificate: [][]byte{v.sp.cfg.DecryptionCert.Raw}, PrivateKey: key}
	plain, err := ea.DecryptBytes(cert)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	if len(plain) > v.sp.maxLen {
		return nil, &SizeError{What: "decrypted assertion", Limit: v.sp.maxLen}
	}
	pdoc, err := parseXML(plain)
	if err != nil {
		return nil, err
	}
	return pdoc.Root(), nil
}
