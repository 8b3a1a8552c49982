package ssotest

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

const (
	samlProtocol    = "urn:oasis:names:tc:SAML:2.0:protocol"
	samlAssert      = "urn:oasis:names:tc:SAML:2.0:assertion"
	samlNameIDEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	samlStatusOK    = "urn:oasis:names:tc:SAML:2.0:status:Success"
)

// Response builds a signed SAML Response answering the request inResponseTo
// (empty for IdP-initiated), applying the IdP's knobs. It is what the IdP
// posts to the ACS, before base64.
func (idp *SAMLIdP) Response(inResponseTo string) ([]byte, error) {
	idp.ensureKey()
	now := time.Now
	if idp.Now != nil {
		now = idp.Now
	}
	t := now().UTC()
	if idp.InResponseTo != "" {
		inResponseTo = idp.InResponseTo
	}
	resp := idp.responseElement(t, inResponseTo)
	if idp.StatusCode == "" {
		a, err := idp.signedAssertion(t, inResponseTo)
		if err != nil {
			return nil, err
		}
		resp.AddChild(a)
	}
	if idp.Signing == SAMLSignBoth || idp.Signing == SAMLSignResponseOnly {
		if err := idp.sign(resp); err != nil {
			return nil, err
		}
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(resp)
	return doc.WriteToBytes()
}

func (idp *SAMLIdP) responseElement(t time.Time, inResponseTo string) *etree.Element {
	resp := etree.NewElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", samlProtocol)
	resp.CreateAttr("xmlns:saml", samlAssert)
	resp.CreateAttr("ID", newSAMLID())
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", samlTime(t))
	resp.CreateAttr("Destination", samlOr(idp.Destination, idp.ACSURL))
	if inResponseTo != "" {
		resp.CreateAttr("InResponseTo", inResponseTo)
	}
	resp.CreateElement("saml:Issuer").SetText(samlOr(idp.Issuer, idp.EntityID))
	st := resp.CreateElement("samlp:Status")
	st.CreateElement("samlp:StatusCode").CreateAttr("Value", samlOr(idp.StatusCode, samlStatusOK))
	if idp.StatusMessage != "" {
		st.CreateElement("samlp:StatusMessage").SetText(idp.StatusMessage)
	}
	return resp
}

func (idp *SAMLIdP) signedAssertion(t time.Time, inResponseTo string) (*etree.Element, error) {
	a := idp.assertionElement(t, inResponseTo)
	if idp.BeforeSign != nil {
		idp.BeforeSign(a)
	}
	if idp.Signing == SAMLSignBoth || idp.Signing == SAMLSignAssertionOnly {
		if err := idp.sign(a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (idp *SAMLIdP) assertionElement(t time.Time, inResponseTo string) *etree.Element {
	life := idp.Lifetime
	if life == 0 {
		life = 5 * time.Minute
	}
	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", samlAssert)
	a.CreateAttr("xmlns:xs", "http://www.w3.org/2001/XMLSchema")
	a.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	a.CreateAttr("ID", newSAMLID())
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", samlTime(t))
	a.CreateElement("saml:Issuer").SetText(samlOr(idp.Issuer, idp.EntityID))
	idp.subject(a, t.Add(life), inResponseTo)
	c := a.CreateElement("saml:Conditions")
	c.CreateAttr("NotBefore", samlTime(t.Add(-30*time.Second)))
	c.CreateAttr("NotOnOrAfter", samlTime(t.Add(life)))
	c.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(samlOr(idp.Audience, idp.SPEntityID))
	as := a.CreateElement("saml:AuthnStatement")
	as.CreateAttr("AuthnInstant", samlTime(t))
	as.CreateAttr("SessionIndex", newSAMLID())
	as.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	idp.attributes(a)
	return a
}

func (idp *SAMLIdP) subject(a *etree.Element, until time.Time, inResponseTo string) {
	s := a.CreateElement("saml:Subject")
	n := s.CreateElement("saml:NameID")
	n.CreateAttr("Format", samlOr(idp.User.NameIDFormat, samlNameIDEmail))
	n.SetText(idp.User.NameID)
	sc := s.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	if inResponseTo != "" {
		scd.CreateAttr("InResponseTo", inResponseTo)
	}
	scd.CreateAttr("NotOnOrAfter", samlTime(until))
	scd.CreateAttr("Recipient", samlOr(idp.Recipient, idp.ACSURL))
}

func (idp *SAMLIdP) attributes(a *etree.Element) {
	if len(idp.User.Attributes) == 0 {
		return
	}
	st := a.CreateElement("saml:AttributeStatement")
	for _, at := range idp.User.Attributes {
		el := st.CreateElement("saml:Attribute")
		el.CreateAttr("Name", at.Name)
		el.CreateAttr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:basic")
		if at.FriendlyName != "" {
			el.CreateAttr("FriendlyName", at.FriendlyName)
		}
		for _, v := range at.Values {
			val := el.CreateElement("saml:AttributeValue")
			val.CreateAttr("xsi:type", "xs:string")
			val.SetText(v)
		}
	}
}

// sign adds an enveloped RSA-SHA256 signature to el, right after its
// Issuer as the SAML schema requires.
func (idp *SAMLIdP) sign(el *etree.Element) error {
	return signSAMLElement(el, idp.Key, idp.Certificate, samlOr(idp.SignatureMethod, dsig.RSASHA256SignatureMethod))
}

func newSAMLID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "_" + hex.EncodeToString(b)
}

func samlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func samlOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
