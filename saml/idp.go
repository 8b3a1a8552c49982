package saml

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/russellhaering/gosaml2/types"
)

// SAML binding identifiers.
const (
	BindingHTTPRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	BindingHTTPPOST     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
)

// MaxMetadataBytes bounds IdP metadata documents read by ParseIdPMetadata and
// FetchIdPMetadata.
const MaxMetadataBytes = 1 << 20

// IdP is what a service provider needs to know about an identity provider.
type IdP struct {
	// EntityID is the IdP's issuer URI; responses and assertions must name
	// it as Issuer.
	EntityID string
	// SSOURLs maps a binding (BindingHTTPRedirect, BindingHTTPPOST) to the
	// IdP's single sign-on endpoint for that binding.
	SSOURLs map[string]string
	// Certificates are the signing certificates to trust. Several are
	// allowed so that an IdP can roll its key over.
	Certificates []*x509.Certificate
	// WantAuthnRequestsSigned is the IdP's metadata flag.
	WantAuthnRequestsSigned bool
	// ValidUntil is the metadata's validUntil, zero if absent.
	ValidUntil time.Time
}

func (idp *IdP) validate() error {
	if idp.EntityID == "" {
		return configErr("IdP EntityID is required")
	}
	if len(idp.Certificates) == 0 {
		return configErr("IdP needs at least one signing certificate")
	}
	for b, u := range idp.SSOURLs {
		if err := checkAbsURL("IdP SSO URL for "+b, u); err != nil {
			return err
		}
	}
	return nil
}

// IdPFromSettings builds an IdP from the three values most IdP admin
// consoles display: the issuer URI, the single sign-on URL (used for both
// HTTP-Redirect and HTTP-POST) and the signing certificate, given as PEM or
// as bare base64 DER (as pasted from metadata). More PEM blocks may follow
// for key rollover.
func IdPFromSettings(issuer, ssoURL, certificate string) (*IdP, error) {
	certs, err := ParseCertificates(certificate)
	if err != nil {
		return nil, err
	}
	idp := &IdP{EntityID: strings.TrimSpace(issuer), Certificates: certs,
		SSOURLs: map[string]string{BindingHTTPRedirect: ssoURL, BindingHTTPPOST: ssoURL}}
	if err := idp.validate(); err != nil {
		return nil, err
	}
	return idp, nil
}

// ParseCertificates reads one or more certificates given as PEM blocks or as
// one bare base64 DER value.
func ParseCertificates(s string) ([]*x509.Certificate, error) {
	data := []byte(strings.TrimSpace(s))
	if !bytes.HasPrefix(data, []byte("-----BEGIN")) {
		return parseBase64Cert(string(data))
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate: %w", ErrConfig, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, configErr("no CERTIFICATE PEM block found")
	}
	return certs, nil
}

func parseBase64Cert(s string) ([]*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, fmt.Errorf("%w: certificate is neither PEM nor base64: %w", ErrConfig, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate: %w", ErrConfig, err)
	}
	return []*x509.Certificate{c}, nil
}

// ParseIdPMetadata reads IdP metadata: an EntityDescriptor, or an
// EntitiesDescriptor holding exactly one entity with an IDPSSODescriptor.
// Every signing certificate is kept (KeyDescriptors with use "signing" or
// no use).
func ParseIdPMetadata(data []byte) (*IdP, error) {
	if len(data) > MaxMetadataBytes {
		return nil, &SizeError{What: "IdP metadata", Limit: MaxMetadataBytes}
	}
	if err := rejectDTD(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMetadata, err)
	}
	ed, err := decodeEntity(data)
	if err != nil {
		return nil, err
	}
	return idpFromEntity(ed)
}

type entitiesDescriptor struct {
	XMLName  xml.Name                 `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntitiesDescriptor"`
	Entities []types.EntityDescriptor `xml:"EntityDescriptor"`
}

func decodeEntity(data []byte) (*types.EntityDescriptor, error) {
	var ed types.EntityDescriptor
	errOne := xml.Unmarshal(data, &ed)
	if errOne == nil {
		return &ed, nil
	}
	var all entitiesDescriptor
	if err := xml.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMetadata, errOne)
	}
	var found *types.EntityDescriptor
	for i := range all.Entities {
		if all.Entities[i].IDPSSODescriptor == nil {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("%w: several IdP entities in EntitiesDescriptor", ErrMetadata)
		}
		found = &all.Entities[i]
	}
	if found == nil {
		return nil, fmt.Errorf("%w: no IdP entity in EntitiesDescriptor", ErrMetadata)
	}
	return found, nil
}

func idpFromEntity(ed *types.EntityDescriptor) (*IdP, error) {
	d := ed.IDPSSODescriptor
	if d == nil {
		return nil, fmt.Errorf("%w: no IDPSSODescriptor", ErrMetadata)
	}
	idp := &IdP{EntityID: ed.EntityID, SSOURLs: map[string]string{},
		WantAuthnRequestsSigned: d.WantAuthnRequestsSigned, ValidUntil: ed.ValidUntil}
	for _, s := range d.SingleSignOnServices {
		if _, dup := idp.SSOURLs[s.Binding]; !dup && s.Location != "" {
			idp.SSOURLs[s.Binding] = s.Location
		}
	}
	for _, kd := range d.KeyDescriptors {
		if kd.Use != "" && kd.Use != "signing" {
			continue
		}
		for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
			c, err := parseBase64Cert(xc.Data)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrMetadata, err)
			}
			idp.Certificates = append(idp.Certificates, c[0])
		}
	}
	if err := idp.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMetadata, err)
	}
	return idp, nil
}

// FetchIdPMetadata downloads and parses IdP metadata from url with client
// (nil means http.DefaultClient). Bound the wait with ctx; the body is
// limited to MaxMetadataBytes.
func FetchIdPMetadata(ctx context.Context, client *http.Client, url string) (*IdP, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMetadata, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch: %w", ErrMetadata, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: fetch %s: HTTP %d", ErrMetadata, url, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: fetch: %w", ErrMetadata, err)
	}
	return ParseIdPMetadata(data)
}
