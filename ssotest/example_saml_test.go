package ssotest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ssokit/ssokit/ssotest"
)

// A SAMLIdP serves metadata and answers logins with a signed response
// posted to the service provider's ACS. Knobs such as Audience make it
// answer wrongly on purpose.
func ExampleSAMLIdP() {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{
		NameID:     "ada@customer.example",
		Attributes: []ssotest.SAMLAttribute{{Name: "groups", Values: []string{"g1", "g2"}}},
	})
	defer idp.Close()
	idp.SPEntityID, idp.ACSURL = "https://app.example.com/saml/metadata", "https://app.example.com/saml/acs"

	resp, err := idp.Client().Get(idp.URL + "/idp-initiated?RelayState=home")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode == http.StatusOK, strings.Contains(string(page), `action="https://app.example.com/saml/acs"`))

	idp.Audience = "https://someone-else.example" // hostile: wrong audience
	xml, err := idp.Response("")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Contains(string(xml), "<saml:Audience>https://someone-else.example</saml:Audience>"))
	// Output:
	// true true
	// true
}
