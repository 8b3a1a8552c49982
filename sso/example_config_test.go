package sso_test

import (
	"errors"
	"fmt"

	"github.com/ssokit/ssokit/sso"
)

// A configuration file in Contiamo's format; every problem is reported at
// once, with its JSON path.
func ExampleParseConfig() {
	doc := `{"acme": [
	  {"kind": "azure", "emailPattern": "^.*@acme\\.example$",
	   "parameters": {"clientId": "c", "clientSecret": "env:AZURE_SECRET",
	     "discoveryEndpoint": "https://login.microsoftonline.com/t/v2.0",
	     "claimMapping": {"email": "preferred_username"}}},
	  {"kind": "google", "mode": "always", "parameters": {"clientSecret": "s"}}
	]}`
	env := func(name string) (string, bool) { return "", false } // AZURE_SECRET unset
	_, err := sso.ParseConfig([]byte(doc), sso.Secrets{LookupEnv: env})
	var ce *sso.ConfigError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// $["acme"][0].parameters.clientSecret: environment variable "AZURE_SECRET" is not set
	// $["acme"][1].parameters.clientId: is required
	// $["acme"][1].mode: unknown mode "always" (want required or optional)
}
