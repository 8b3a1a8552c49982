package saml

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/beevik/etree"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

const statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"

// VerifyResponse verifies a base64-encoded SAMLResponse, as posted to the
// ACS by the HTTP-POST binding. requestIDs are the IDs of AuthnRequests this
// browser started (from AuthnRequest.ID); an InResponseTo must name one of
// them. The returned Assertion is read only from signed XML.
func (sp *ServiceProvider) VerifyResponse(ctx context.Context, samlResponse string, requestIDs []string) (*Assertion, error) {
	if base64.StdEncoding.DecodedLen(len(samlResponse)) > sp.maxLen+3 {
		return nil, &SizeError{What: "SAMLResponse", Limit: sp.maxLen}
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(samlResponse), ""))
	if err != nil {
		return nil, malformed("SAMLResponse is not base64", err)
	}
	return sp.VerifyResponseXML(ctx, data, requestIDs)
}

// VerifyResponseXML is VerifyResponse for an already decoded response.
func (sp *ServiceProvider) VerifyResponseXML(ctx context.Context, data []byte, requestIDs []string) (*Assertion, error) {
	if len(data) > sp.maxLen {
		return nil, &SizeError{What: "SAMLResponse", Limit: sp.maxLen}
	}
	doc, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	v := verification{sp: sp, now: sp.now(), requestIDs: requestIDs}
	a, err := v.response(doc.Root())
	if err != nil {
		return nil, err
	}
	if err := v.checkReplay(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// response verifies the Response element root and returns its assertion.
func (v *verification) response(root *etree.Element) (*Assertion, error) {
	if !is(root, nsProtocol, "Response") {
		return nil, malformed("root element is not a SAML 2.0 protocol Response", nil)
	}
	resp, signed, err := v.verifySigned(root, "Response", v.sp.cfg.RequireSignedResponseAndAssertion)
	if err != nil {
		return nil, err
	}
	v.responseSigned = signed
	if err := v.checkResponse(resp); err != nil {
		return nil, err
	}
	assertion, err := v.assertionElement(resp)
	if err != nil {
		return nil, err
	}
	requireSig := !signed || v.sp.cfg.RequireSignedResponseAndAssertion
	verified, aSigned, err := v.verifySigned(assertion, "Assertion", requireSig)
	if err != nil {
		return nil, err
	}
	v.assertionSigned = aSigned
	return v.assertion(verified)
}

// verifySigned validates el's enveloped signature when el has one, and
// returns the element the signature covers: the only tree read afterwards.
// Without a signature it returns el itself unless a signature is required.
func (v *verification) verifySigned(el *etree.Element, name string, required bool) (*etree.Element, bool, error) {
	sigs := children(el, nsDSig, "Signature")
	switch {
	case len(sigs) > 1:
		return nil, false, &SignatureError{Element: name, Reason: "appears more than once"}
	case len(sigs) == 0 && required:
		return nil, false, &SignatureError{Element: name, Reason: "missing"}
	case len(sigs) == 0:
		return el, false, nil
	}
	if el.SelectAttrValue("ID", "") == "" {
		return nil, false, malformed(name+" has no ID", nil)
	}
	if err := v.checkAlgorithms(sigs[0], name); err != nil {
		return nil, false, err
	}
	verified, err := v.validationContext().Validate(el)
	if err != nil {
		return nil, false, &SignatureError{Element: name, Reason: "invalid or untrusted", Err: err}
	}
	if !is(verified, el.NamespaceURI(), el.Tag) || verified.SelectAttrValue("ID", "") != el.SelectAttrValue("ID", "") {
		return nil, false, &SignatureError{Element: name, Reason: "does not cover the element"}
	}
	return verified, true, nil
}

// checkAlgorithms refuses SHA-1 signature and digest methods unless
// Config.InsecureAllowSHA1 is set. Every SignatureMethod and DigestMethod in
// the signature is checked, so a repeated element cannot hide one.
func (v *verification) checkAlgorithms(sig *etree.Element, name string) error {
	if v.sp.cfg.InsecureAllowSHA1 {
		return nil
	}
	for _, tag := range []string{"SignatureMethod", "DigestMethod"} {
		for _, m := range sig.FindElements(".//" + tag) {
			if strings.HasSuffix(strings.ToLower(m.SelectAttrValue("Algorithm", "")), "sha1") {
				return &SignatureError{Element: name, Reason: "uses SHA-1 (" + tag + ")"}
			}
		}
	}
	return nil
}

func (v *verification) validationContext() *dsig.ValidationContext {
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: v.sp.cfg.IdP.Certificates})
	ctx.IdAttribute = "ID"
	ctx.Clock = dsig.NewFakeClock(clockwork.NewFakeClockAt(v.now))
	return ctx
}

// checkResponse checks the Response envelope: version, issuer, status,
// destination and InResponseTo.
func (v *verification) checkResponse(resp *etree.Element) error {
	if resp.SelectAttrValue("Version", "") != "2.0" {
		return malformed("Response Version is not 2.0", nil)
	}
	if err := v.checkIssuer(resp, "Response", false); err != nil {
		return err
	}
	if err := checkStatus(resp); err != nil {
		return err
	}
	dest := resp.SelectAttrValue("Destination", "")
	if (dest != "" || v.responseSigned) && dest != v.sp.cfg.ACSURL {
		return &DestinationError{Got: dest, Want: v.sp.cfg.ACSURL}
	}
	v.inResponseTo = resp.SelectAttrValue("InResponseTo", "")
	return nil
}

func checkStatus(resp *etree.Element) error {
	st, err := child(resp, nsProtocol, "Status")
	if err != nil || st == nil {
		return malformed("Response has no single Status", err)
	}
	code, err := child(st, nsProtocol, "StatusCode")
	if err != nil || code == nil {
		return malformed("Status has no single StatusCode", err)
	}
	if code.SelectAttrValue("Value", "") == statusSuccess {
		return nil
	}
	se := &StatusError{Code: code.SelectAttrValue("Value", "")}
	if sub, _ := child(code, nsProtocol, "StatusCode"); sub != nil {
		se.SubCode = sub.SelectAttrValue("Value", "")
	}
	if msg, _ := child(st, nsProtocol, "StatusMessage"); msg != nil {
		se.Message = text(msg)
	}
	return se
}

func (v *verification) checkIssuer(el *etree.Element, name string, required bool) error {
	iss, err := child(el, nsAssertion, "Issuer")
	if err != nil {
		return err
	}
	if iss == nil {
		if required {
			return &IssuerError{Element: name, Want: v.sp.cfg.IdP.EntityID}
		}
		return nil
	}
	got := text(iss)
	format := iss.SelectAttrValue("Format", "")
	if got != v.sp.cfg.IdP.EntityID || (format != "" && format != "urn:oasis:names:tc:SAML:2.0:nameid-format:entity") {
		return &IssuerError{Element: name, Got: got, Want: v.sp.cfg.IdP.EntityID}
	}
	return nil
}

// assertionElement returns the response's only assertion, decrypted if it
// was encrypted, detached with its namespace declarations.
func (v *verification) assertionElement(resp *etree.Element) (*etree.Element, error) {
	plain := children(resp, nsAssertion, "Assertion")
	enc := children(resp, nsAssertion, "EncryptedAssertion")
	if len(plain)+len(enc) != 1 {
		return nil, malformed("Response must hold exactly one Assertion or EncryptedAssertion", nil)
	}
	if len(enc) == 1 {
		return v.decrypt(enc[0])
	}
	return detach(plain[0])
}

// detach copies el out of its document, declaring on the copy every
// namespace prefix it inherits, so that it can be validated on its own.
func detach(el *etree.Element) (*etree.Element, error) {
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, malformed("bad namespace declarations", err)
	}
	d, err := etreeutils.NSDetatch(ctx, el)
	if err != nil {
		return nil, malformed("bad namespace declarations", err)
	}
	return d, nil
}

func containsID(ids []string, id string) bool { return slices.Contains(ids, id) }
