package saml_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

// A complete SP-initiated login against an in-process IdP: configure the
// service provider from the IdP's metadata, start a login, let the IdP
// answer, and verify the response.
func Example() {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{
		NameID: "ada@customer.example",
		Attributes: []ssotest.SAMLAttribute{
			{Name: "space_name", Values: []string{"Trial", "DevOps"}},
			{Name: "space_role", Values: []string{"Space Member", "Space Developer"}},
		},
	})
	defer idp.Close()
	idp.SPEntityID, idp.ACSURL = "https://app.example.com/saml/metadata", "https://app.example.com/saml/acs"

	md, err := saml.FetchIdPMetadata(context.Background(), idp.Client(), idp.MetadataURL())
	if err != nil {
		panic(err)
	}
	sp, err := saml.New(saml.Config{
		EntityID: "https://app.example.com/saml/metadata",
		ACSURL:   "https://app.example.com/saml/acs",
		IdP:      md,
	})
	if err != nil {
		panic(err)
	}

	req, err := sp.RedirectAuthnRequest("/dashboard")
	if err != nil {
		panic(err)
	}
	// The browser follows req.URL; the IdP posts its answer to the ACS,
	// where the host calls sp.HandleACS. Here we ask the IdP directly.
	resp, err := idp.Response(req.ID)
	if err != nil {
		panic(err)
	}
	a, err := sp.VerifyResponseXML(context.Background(), resp, []string{req.ID})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.NameID.Value)
	fmt.Println(strings.Join(a.Values("space_name"), ", "))
	fmt.Println(strings.Join(a.Values("space_role"), ", "))
	// Output:
	// ada@customer.example
	// Trial, DevOps
	// Space Member, Space Developer
}

// IdP settings copied from an admin console (Okta shows exactly these
// three values) are enough to configure a service provider.
func ExampleIdPFromSettings() {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ada@customer.example"})
	defer idp.Close()
	pem := ssotest.SAMLCertificatePEM(idp.Certificate)

	cfg, err := saml.IdPFromSettings("http://www.okta.com/exk1abcd", "https://acme.okta.com/app/acme_torque/exk1abcd/sso/saml", pem)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.EntityID, len(cfg.Certificates))
	// Output: http://www.okta.com/exk1abcd 1
}
