package saml

import (
	"bytes"
	"compress/flate"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// AuthnRequest is a login request ready to send to the IdP. Keep ID (in the
// user's session or a signed state cookie) and pass it to VerifyResponse.
type AuthnRequest struct {
	// ID is the request ID; the response's InResponseTo must equal it.
	ID string
	// Binding is BindingHTTPRedirect or BindingHTTPPOST.
	Binding string
	// URL is where to send the browser: for HTTP-Redirect the complete
	// redirect URL, for HTTP-POST the form's action.
	URL string
	// SAMLRequest is the encoded request as sent (deflated and base64 for
	// HTTP-Redirect, base64 for HTTP-POST).
	SAMLRequest string
	// RelayState is passed through unchanged.
	RelayState string
}

// RedirectAuthnRequest builds an AuthnRequest for the HTTP-Redirect binding:
// send the browser to the returned URL (HTTP 302). When a SigningKey is
// configured, the query string is signed with RSA-SHA256.
func (sp *ServiceProvider) RedirectAuthnRequest(relayState string) (*AuthnRequest, error) {
	dest, err := sp.ssoURL(BindingHTTPRedirect)
	if err != nil {
		return nil, err
	}
	doc, id, err := sp.authnRequestDoc(dest)
	if err != nil {
		return nil, err
	}
	raw, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	fw.Write(raw)
	fw.Close()
	encoded := base64.StdEncoding.EncodeToString(buf.Bytes())
	query := "SAMLRequest=" + url.QueryEscape(encoded)
	if relayState != "" {
		query += "&RelayState=" + url.QueryEscape(relayState)
	}
	if query, err = sp.signQuery(query); err != nil {
		return nil, err
	}
	u, err := url.Parse(dest)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" {
		query = u.RawQuery + "&" + query
	}
	u.RawQuery = query
	return &AuthnRequest{ID: id, Binding: BindingHTTPRedirect, URL: u.String(), SAMLRequest: encoded, RelayState: relayState}, nil
}

func (sp *ServiceProvider) signQuery(query string) (string, error) {
	if sp.cfg.SigningKey == nil {
		return query, nil
	}
	ctx, err := sp.signingContext()
	if err != nil {
		return "", err
	}
	query += "&SigAlg=" + url.QueryEscape(ctx.GetSignatureMethodIdentifier())
	sig, err := ctx.SignString(query)
	if err != nil {
		return "", err
	}
	return query + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig)), nil
}

// PostAuthnRequest builds an AuthnRequest for the HTTP-POST binding, signed
// (enveloped XML signature) when a SigningKey is configured. Serve
// AuthnRequest.PostForm as the response body.
func (sp *ServiceProvider) PostAuthnRequest(relayState string) (*AuthnRequest, error) {
	dest, err := sp.ssoURL(BindingHTTPPOST)
	if err != nil {
		return nil, err
	}
	doc, id, err := sp.authnRequestDoc(dest)
	if err != nil {
		return nil, err
	}
	if sp.cfg.SigningKey != nil {
		if err := sp.signEnveloped(doc.Root()); err != nil {
			return nil, err
		}
	}
	raw, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	return &AuthnRequest{ID: id, Binding: BindingHTTPPOST, URL: dest,
		SAMLRequest: base64.StdEncoding.EncodeToString(raw), RelayState: relayState}, nil
}

var postForm = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.URL}}">
<input type="hidden" name="SAMLRequest" value="{{.SAMLRequest}}">
{{if .RelayState}}<input type="hidden" name="RelayState" value="{{.RelayState}}">{{end}}
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>
`))

// PostForm writes an HTML page whose form posts the request to the IdP as
// soon as it loads (with a button when scripts are off).
func (r *AuthnRequest) PostForm(w io.Writer) error {
	return postForm.Execute(w, r)
}

func (sp *ServiceProvider) ssoURL(binding string) (string, error) {
	u := sp.cfg.IdP.SSOURLs[binding]
	if u == "" {
		return "", fmt.Errorf("%w: IdP has no SSO URL for binding %s", ErrConfig, binding)
	}
	return u, nil
}

func (sp *ServiceProvider) newID() (string, error) {
	b := make([]byte, 20)
	if _, err := io.ReadFull(sp.rand, b); err != nil {
		return "", fmt.Errorf("saml: reading random ID: %w", err)
	}
	return "id-" + hex.EncodeToString(b), nil
}

func (sp *ServiceProvider) authnRequestDoc(dest string) (*etree.Document, string, error) {
	id, err := sp.newID()
	if err != nil {
		return nil, "", err
	}
	doc := etree.NewDocument()
	req := doc.CreateElement("samlp:AuthnRequest")
	req.CreateAttr("xmlns:samlp", nsProtocol)
	req.CreateAttr("xmlns:saml", nsAssertion)
	req.CreateAttr("ID", id)
	req.CreateAttr("Version", "2.0")
	req.CreateAttr("IssueInstant", sp.now().UTC().Format(time.RFC3339))
	req.CreateAttr("Destination", dest)
	req.CreateAttr("AssertionConsumerServiceURL", sp.cfg.ACSURL)
	req.CreateAttr("ProtocolBinding", BindingHTTPPOST)
	req.CreateElement("saml:Issuer").SetText(sp.cfg.EntityID)
	pol := req.CreateElement("samlp:NameIDPolicy")
	pol.CreateAttr("Format", sp.format)
	pol.CreateAttr("AllowCreate", "true")
	return doc, id, nil
}

func (sp *ServiceProvider) signingContext() (*dsig.SigningContext, error) {
	ctx, err := dsig.NewSigningContext(sp.cfg.SigningKey, [][]byte{sp.cfg.SigningCert.Raw})
	if err != nil {
		return nil, err
	}
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return nil, err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	return ctx, nil
}

// signEnveloped signs el in place, placing the Signature after the Issuer
// as the SAML schema requires.
func (sp *ServiceProvider) signEnveloped(el *etree.Element) error {
	ctx, err := sp.signingContext()
	if err != nil {
		return err
	}
	sig, err := ctx.ConstructSignature(el, true)
	if err != nil {
		return err
	}
	el.InsertChildAt(1, sig)
	return nil
}

func certBase64(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }
