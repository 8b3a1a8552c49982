package saml_test

import (
	"context"
	"testing"

	"github.com/ssokit/ssokit/saml"
)

func TestClaimsKeepEveryValueUnderNameAndFriendlyName(t *testing.T) {
	e := newEnv(t)
	a, err := e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID})
	if err != nil {
		t.Fatal(err)
	}
	c := a.Claims()
	if c["nameid"] != "ada@customer.example" {
		t.Errorf("nameid = %v", c["nameid"])
	}
	spaces, _ := c["space_name"].([]any)
	if len(spaces) != 2 || spaces[0] != "Trial" || spaces[1] != "DevOps" {
		t.Errorf("space_name = %v", c["space_name"])
	}
	byName, _ := c["http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"].([]any)
	byFriendly, _ := c["groups"].([]any)
	if len(byName) != 20 || len(byFriendly) != 20 {
		t.Errorf("groups by Name %d, by FriendlyName %d values, want 20 each", len(byName), len(byFriendly))
	}
	if _, ok := a.Attribute("missing"); ok || a.Values("missing") != nil {
		t.Error("a missing attribute was found")
	}
	var _ saml.Attribute = a.Attributes[0]
}
