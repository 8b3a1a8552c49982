package ssotest

import (
	"bytes"
	"compress/flate"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/beevik/etree"
)

// SAMLSigning selects which elements a SAMLIdP signs.
type SAMLSigning int

// Signing modes. The zero value signs both Response and Assertion.
const (
	SAMLSignBoth SAMLSigning = iota
	SAMLSignAssertionOnly
	SAMLSignResponseOnly
	SAMLSignNothing
)

// SAMLUser is the subject a SAMLIdP asserts.
type SAMLUser struct {
	NameID       string
	NameIDFormat string // empty means emailAddress
	Attributes   []SAMLAttribute
}

// SAMLAttribute is one attribute with all its values.
type SAMLAttribute struct {
	Name         string
	FriendlyName string
	Values       []string
}

// SAMLIdP is a SAML 2.0 identity provider running in process, shaped like
// httptest.Server. It signs with its own RSA key (RSA-SHA256, exclusive
// C14N), serves metadata at /metadata, answers SP-initiated logins at /sso
// (HTTP-Redirect or HTTP-POST AuthnRequest) with an auto-submitting form
// that posts the response to the SP's ACS, and starts IdP-initiated logins
// at /idp-initiated.
//
// Exported fields may be changed between logins (not during one); the
// hostile knobs make the IdP answer wrongly on purpose.
type SAMLIdP struct {
	// URL is the base URL, set by Start.
	URL string
	// EntityID is the issuer; Start sets it to URL+"/metadata" if empty.
	EntityID string
	// Key and Certificate sign responses; NewSAMLIdP generates them.
	// Metadata publishes MetadataCertificates (default: Certificate).
	Key                  *rsa.PrivateKey
	Certificate          *x509.Certificate
	MetadataCertificates []*x509.Certificate

	// SPEntityID and ACSURL identify the service provider: the audience
	// and the only ACS the IdP posts to.
	SPEntityID string
	ACSURL     string
	// User is the subject asserted on every login.
	User SAMLUser
	// Now is the IdP's clock; nil means time.Now. Set it in the past or the
	// future to issue expired or not-yet-valid assertions.
	Now func() time.Time
	// Lifetime of assertions; zero means 5 minutes.
	Lifetime time.Duration
	// Signing selects what is signed.
	Signing SAMLSigning
	// SignatureMethod is the XML-DSig algorithm URI; empty means
	// RSA-SHA256. Set RSA-SHA1 to play an outdated IdP.
	SignatureMethod string

	// Hostile knobs: when non-empty they replace the correct value.
	Audience, Issuer, Destination, Recipient, InResponseTo string
	// StatusCode, when set, makes every response a failure with
	// StatusMessage (and no assertion).
	StatusCode, StatusMessage string
	// BeforeSign, when set, may change the unsigned assertion element just
	// before it is signed (for duplicate attributes, namespace games...).
	BeforeSign func(assertion *etree.Element)

	mu     sync.Mutex
	server *httptest.Server
	lastID string
}

// NewSAMLIdP returns a started SAMLIdP with a fresh key and certificate.
// It panics if the key cannot be generated, like httptest.NewServer.
func NewSAMLIdP(user SAMLUser) *SAMLIdP {
	idp := NewUnstartedSAMLIdP(user)
	idp.Start()
	return idp
}

// NewUnstartedSAMLIdP returns a SAMLIdP that is not yet listening; call
// Start. Set Key and Certificate before Start to use your own; otherwise a
// fresh key is generated when first needed.
func NewUnstartedSAMLIdP(user SAMLUser) *SAMLIdP {
	idp := &SAMLIdP{User: user}
	idp.server = httptest.NewUnstartedServer(idp.handler())
	return idp
}

// ensureKey generates the signing key on first use unless one was set.
func (idp *SAMLIdP) ensureKey() {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if idp.Key != nil && idp.Certificate != nil {
		return
	}
	key, cert, err := NewSAMLKeyPair("ssotest SAML IdP")
	if err != nil {
		panic("ssotest: " + err.Error())
	}
	idp.Key, idp.Certificate = key, cert
}

// Start starts listening and sets URL and, if empty, EntityID.
func (idp *SAMLIdP) Start() {
	idp.ensureKey()
	idp.server.Start()
	idp.URL = idp.server.URL
	if idp.EntityID == "" {
		idp.EntityID = idp.URL + "/metadata"
	}
}

// Close shuts the server down.
func (idp *SAMLIdP) Close() { idp.server.Close() }

// Client returns an HTTP client for the server.
func (idp *SAMLIdP) Client() *http.Client { return idp.server.Client() }

// SSOURL is the single sign-on endpoint for both bindings.
func (idp *SAMLIdP) SSOURL() string { return idp.URL + "/sso" }

// MetadataURL is where Metadata is served.
func (idp *SAMLIdP) MetadataURL() string { return idp.URL + "/metadata" }

// LastRequestID is the ID of the last AuthnRequest the IdP answered.
func (idp *SAMLIdP) LastRequestID() string {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	return idp.lastID
}

func (idp *SAMLIdP) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		w.Write(idp.Metadata())
	})
	mux.HandleFunc("/sso", idp.serveSSO)
	mux.HandleFunc("GET /idp-initiated", func(w http.ResponseWriter, r *http.Request) {
		idp.answer(w, "", r.URL.Query().Get("RelayState"))
	})
	return mux
}

// serveSSO answers an AuthnRequest sent with HTTP-Redirect (GET, deflated)
// or HTTP-POST (form).
func (idp *SAMLIdP) serveSSO(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	raw, err := base64.StdEncoding.DecodeString(r.Form.Get("SAMLRequest"))
	if err != nil || len(raw) == 0 {
		http.Error(w, "missing or bad SAMLRequest", http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		if raw, err = io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), 1<<20)); err != nil {
			http.Error(w, "bad deflate encoding", http.StatusBadRequest)
			return
		}
	}
	var req struct {
		ID  string `xml:"ID,attr"`
		ACS string `xml:"AssertionConsumerServiceURL,attr"`
	}
	if err := xml.Unmarshal(raw, &req); err != nil || req.ID == "" {
		http.Error(w, "bad AuthnRequest", http.StatusBadRequest)
		return
	}
	if req.ACS != "" && req.ACS != idp.ACSURL {
		http.Error(w, fmt.Sprintf("ACS URL %q is not registered", req.ACS), http.StatusBadRequest)
		return
	}
	idp.mu.Lock()
	idp.lastID = req.ID
	idp.mu.Unlock()
	idp.answer(w, req.ID, r.Form.Get("RelayState"))
}

var samlPostForm = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html><body onload="document.forms[0].submit()">
<form method="post" action="{{.ACS}}">
<input type="hidden" name="SAMLResponse" value="{{.Response}}">
<input type="hidden" name="RelayState" value="{{.RelayState}}">
</form></body></html>
`))

func (idp *SAMLIdP) answer(w http.ResponseWriter, inResponseTo, relayState string) {
	resp, err := idp.Response(inResponseTo)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	samlPostForm.Execute(w, map[string]string{"ACS": idp.ACSURL,
		"Response": base64.StdEncoding.EncodeToString(resp), "RelayState": relayState})
}

// Metadata returns the IdP's metadata: entity ID, SSO endpoints for both
// bindings and the signing certificates.
func (idp *SAMLIdP) Metadata() []byte {
	idp.ensureKey()
	doc := etree.NewDocument()
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", "urn:oasis:names:tc:SAML:2.0:metadata")
	ed.CreateAttr("xmlns:ds", "http://www.w3.org/2000/09/xmldsig#")
	ed.CreateAttr("entityID", idp.EntityID)
	d := ed.CreateElement("md:IDPSSODescriptor")
	d.CreateAttr("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol")
	certs := idp.MetadataCertificates
	if len(certs) == 0 {
		certs = []*x509.Certificate{idp.Certificate}
	}
	for _, c := range certs {
		kd := d.CreateElement("md:KeyDescriptor")
		kd.CreateAttr("use", "signing")
		kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
			SetText(base64.StdEncoding.EncodeToString(c.Raw))
	}
	d.CreateElement("md:NameIDFormat").SetText(samlNameIDEmail)
	for _, b := range []string{"HTTP-Redirect", "HTTP-POST"} {
		s := d.CreateElement("md:SingleSignOnService")
		s.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:"+b)
		s.CreateAttr("Location", idp.SSOURL())
	}
	doc.Indent(2)
	out, _ := doc.WriteToBytes()
	return out
}
