package saml

import (
	"crypto/x509"

	"github.com/beevik/etree"
)

// Metadata returns this service provider's SAML metadata (an
// EntityDescriptor) for the IdP administrator to upload: entity ID, the ACS
// URL (HTTP-POST), the NameID format, and the signing and encryption
// certificates when configured.
func (sp *ServiceProvider) Metadata() ([]byte, error) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", nsMetadata)
	ed.CreateAttr("xmlns:ds", nsDSig)
	ed.CreateAttr("entityID", sp.cfg.EntityID)
	d := ed.CreateElement("md:SPSSODescriptor")
	d.CreateAttr("protocolSupportEnumeration", nsProtocol)
	d.CreateAttr("AuthnRequestsSigned", boolString(sp.cfg.SigningKey != nil))
	d.CreateAttr("WantAssertionsSigned", "true")
	if sp.cfg.SigningCert != nil {
		keyDescriptor(d, "signing", sp.cfg.SigningCert)
	}
	if sp.cfg.DecryptionCert != nil {
		kd := keyDescriptor(d, "encryption", sp.cfg.DecryptionCert)
		for _, alg := range []string{"http://www.w3.org/2009/xmlenc11#aes128-gcm", "http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"} {
			kd.CreateElement("md:EncryptionMethod").CreateAttr("Algorithm", alg)
		}
	}
	d.CreateElement("md:NameIDFormat").SetText(sp.format)
	acs := d.CreateElement("md:AssertionConsumerService")
	acs.CreateAttr("Binding", BindingHTTPPOST)
	acs.CreateAttr("Location", sp.cfg.ACSURL)
	acs.CreateAttr("index", "0")
	acs.CreateAttr("isDefault", "true")
	doc.Indent(2)
	return doc.WriteToBytes()
}

func keyDescriptor(parent *etree.Element, use string, cert *x509.Certificate) *etree.Element {
	kd := parent.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", use)
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(certBase64(cert))
	return kd
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
