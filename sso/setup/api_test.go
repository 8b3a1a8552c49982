package setup_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
	"github.com/ssokit/ssokit/ssotest"
)

func TestSecretsNeverEchoed(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	const secret = "client-secret-value-7f3a"
	var res setup.SaveResult
	body := c.json("POST", "/setup/api/connections", oidcInput("corp", secret), 201, &res)
	if strings.Contains(body, secret) {
		t.Fatal("the save answer contains the client secret")
	}
	if len(res.Connection.SecretsSet) != 1 || res.Connection.SecretsSet[0] != "clientSecret" {
		t.Fatalf("secretsSet = %v", res.Connection.SecretsSet)
	}
	for _, p := range []string{"/setup/api/connections", "/setup/api/connections/corp", "/setup/api/audit", "/setup/", "/setup/?edit=corp"} {
		if _, b := c.do("GET", p, nil, ""); strings.Contains(b, secret) {
			t.Errorf("GET %s shows the secret", p)
		}
	}
	// Saving again without the secret keeps it.
	in := oidcInput("corp", "")
	in["version"] = res.Connection.Version
	in["name"] = "Corporate login"
	c.json("PUT", "/setup/api/connections/corp", in, 200, &res)
	got, _ := e.store.Connection(context.Background(), "acme", "corp")
	if got.Parameters.ClientSecret != secret || got.Name != "Corporate login" {
		t.Fatalf("stored %+v", got.Parameters)
	}
}

func TestReferencesRejected(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	for _, v := range []string{"env:HOME", "file:/etc/passwd"} {
		var apiErr setup.APIError
		c.json("POST", "/setup/api/connections", oidcInput("corp", v), 422, &apiErr)
		if len(apiErr.Problems) != 1 || apiErr.Problems[0].Field != "parameters.clientSecret" {
			t.Fatalf("%s: %+v", v, apiErr)
		}
	}
}

func TestConflict(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", oidcInput("corp", "s"), 201, &res)
	v1 := res.Connection.Version
	in := oidcInput("corp", "")
	in["version"] = v1
	c.json("PUT", "/setup/api/connections/corp", in, 200, nil)
	in["name"] = "late writer"
	var apiErr setup.APIError
	c.json("PUT", "/setup/api/connections/corp", in, 409, &apiErr)
	if !strings.Contains(apiErr.Error, "someone else") {
		t.Fatalf("conflict message %q", apiErr.Error)
	}
	c.json("POST", "/setup/api/connections", oidcInput("corp", "s"), 409, nil)
}

func TestValidationPerField(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var apiErr setup.APIError
	c.json("POST", "/setup/api/connections", map[string]any{"id": "corp", "kind": "oidc", "mode": "sometimes",
		"parameters": map[string]any{"discoveryEndpoint": "not a url", "clientSecret": "s"}}, 422, &apiErr)
	fields := map[string]string{}
	for _, p := range apiErr.Problems {
		fields[p.Field] = p.Path
	}
	for f, path := range map[string]string{"parameters.clientId": `$["acme"][0].parameters.clientId`,
		"parameters.discoveryEndpoint": `$["acme"][0].parameters.discoveryEndpoint`, "mode": `$["acme"][0].mode`} {
		if fields[f] != path {
			t.Errorf("problem %s at %q, want %q (all: %+v)", f, fields[f], path, apiErr.Problems)
		}
	}
	// The page shows the same problems next to their fields.
	_, page := c.form("/setup/connections", map[string][]string{"new": {"1"}, "id": {"corp"}, "kind": {"oidc"},
		"parameters.discoveryEndpoint": {"https://idp.example.com"}, "parameters.clientSecret": {"s"}})
	if !strings.Contains(page, `data-field="parameters.clientId">is required`) {
		t.Fatalf("the page does not show the clientId problem:\n%s", page)
	}
}

func TestGeneratedKeys(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	in := map[string]any{"id": "entra", "kind": "oidc", "generateKeyPair": true,
		"parameters": map[string]any{"discoveryEndpoint": "https://login.example.com", "clientId": "app"}}
	var res setup.SaveResult
	body := c.json("POST", "/setup/api/connections", in, 201, &res)
	if !strings.HasPrefix(res.Certificate, "-----BEGIN CERTIFICATE-----") || strings.Contains(body, "PRIVATE KEY") {
		t.Fatalf("answer: %s", body)
	}
	got, _ := e.store.Connection(context.Background(), "acme", "entra")
	if !strings.Contains(got.Parameters.PrivateKey, "RSA PRIVATE KEY") || got.Parameters.AuthMethod != "private_key_jwt" {
		t.Fatalf("stored parameters %+v", got.Parameters.AuthMethod)
	}
	_, b := c.do("GET", "/setup/api/connections/entra", nil, "")
	if strings.Contains(b, "PRIVATE KEY") {
		t.Fatal("GET shows the private key")
	}

	in = map[string]any{"id": "partner", "kind": "jwt", "generateSharedSecret": true}
	c.json("POST", "/setup/api/connections", in, 201, &res)
	if len(res.SharedSecret) < 32 {
		t.Fatalf("shared secret %q", res.SharedSecret)
	}
	got, _ = e.store.Connection(context.Background(), "acme", "partner")
	if got.Parameters.SharedSecret != res.SharedSecret {
		t.Fatal("the stored key differs from the one shown")
	}
	if _, b := c.do("GET", "/setup/api/connections/partner", nil, ""); strings.Contains(b, res.SharedSecret) {
		t.Fatal("GET shows the JWT SSO key again")
	}
}

func TestSCIMTokens(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var tok setup.SCIMTokenResult
	c.json("POST", "/setup/api/scim/token", nil, 201, &tok)
	if tok.BaseURL != e.srv.URL+"/scim/v2" {
		t.Fatalf("base URL %q", tok.BaseURL)
	}
	if ten, err := e.tokens.Authenticate(context.Background(), tok.Token); err != nil || ten != "acme" {
		t.Fatalf("new token: %q %v", ten, err)
	}
	var tok2 setup.SCIMTokenResult
	c.json("POST", "/setup/api/scim/token", nil, 201, &tok2)
	if _, err := e.tokens.Authenticate(context.Background(), tok.Token); err == nil {
		t.Fatal("the rotated-out token still works")
	}
	c.json("DELETE", "/setup/api/scim/token", nil, 204, nil)
	if _, err := e.tokens.Authenticate(context.Background(), tok2.Token); err == nil {
		t.Fatal("the revoked token still works")
	}
	var reqs []setup.SCIMRequest
	c.json("GET", "/setup/api/scim/requests", nil, 200, &reqs)
	if len(reqs) != 1 || reqs[0].Status != 201 {
		t.Fatalf("SCIM requests %+v", reqs)
	}
	if _, page := c.do("GET", "/setup/", nil, ""); !strings.Contains(page, "<code>POST /scim/v2/Users</code></td><td>201") {
		t.Fatal("the page does not list the SCIM requests")
	}
	var audit []setup.AuditEvent
	body := c.json("GET", "/setup/api/audit", nil, 200, &audit)
	if strings.Contains(body, tok2.Token) || len(audit) != 3 || audit[0].Action != "scim.token.revoke" {
		t.Fatalf("audit %s", body)
	}
}

func TestAudit(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", oidcInput("corp", "first-secret-value"), 201, &res)
	in := oidcInput("corp", "second-secret-value")
	in["version"] = res.Connection.Version
	in["mode"] = "required"
	c.json("PUT", "/setup/api/connections/corp", in, 200, nil)
	var audit []setup.AuditEvent
	body := c.json("GET", "/setup/api/audit", nil, 200, &audit)
	if len(audit) != 2 || audit[0].Action != "connection.update" || audit[0].Actor != "setup-link" || audit[0].Tenant != "acme" {
		t.Fatalf("audit %s", body)
	}
	if strings.Join(audit[0].Fields, ",") != "mode,parameters.clientSecret" {
		t.Fatalf("changed fields %v", audit[0].Fields)
	}
	if strings.Contains(body, "secret-value") {
		t.Fatal("the audit log shows a secret")
	}
	if _, page := c.do("GET", "/setup/", nil, ""); !strings.Contains(page, "connection.update") {
		t.Fatal("the page does not list the audit events")
	}
}

func TestCertificateWarnings(t *testing.T) {
	e := newEnv(t)
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "ada@acme.example"})
	t.Cleanup(idp.Close)
	c := e.openLink(t, "acme")
	in := map[string]any{"id": "okta", "kind": "saml", "parameters": map[string]any{"metadataUrl": idp.URL + "/metadata"}}
	var res setup.SaveResult
	c.json("POST", "/setup/api/connections", in, 201, &res)
	if len(res.Connection.Warnings) != 0 {
		t.Fatalf("warnings for a certificate valid until 2100: %v", res.Connection.Warnings)
	}
	// ssotest certificates expire in 2100: look from 20 days before.
	e.now = idp.Certificate.NotAfter.Add(-20 * 24 * time.Hour)
	link := e.openLink(t, "acme")
	var v setup.ConnectionView
	link.json("GET", "/setup/api/connections/okta", nil, 200, &v)
	if len(v.Warnings) != 1 || v.Warnings[0].Field != "parameters.metadataUrl" || !strings.Contains(v.Warnings[0].Message, "in 20 days") {
		t.Fatalf("warnings %+v", v.Warnings)
	}
	if _, page := link.do("GET", "/setup/", nil, ""); !strings.Contains(page, "cert-warning") {
		t.Fatal("the page shows no certificate warning")
	}
}

func TestRun(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	in := oidcInput("corp", "s")
	in["testExpressions"] = []string{`IDTOKEN.email = 'ada@acme.example'`}
	c.json("POST", "/setup/api/connections", in, 201, nil)
	var rep struct {
		Claims []struct{ Ref, Value string }
		Result struct{ Passed bool }
	}
	c.json("POST", "/setup/api/connections/corp/run", map[string]any{"idToken": map[string]any{"email": "ada@acme.example"}}, 200, &rep)
	if !rep.Result.Passed || len(rep.Claims) != 1 {
		t.Fatalf("run %+v", rep)
	}
	c.json("POST", "/setup/api/connections/corp/run", map[string]any{"idToken": map[string]any{"email": "eve@evil.example"}}, 200, &rep)
	if rep.Result.Passed {
		t.Fatal("a failing expression passed")
	}
	_, page := c.form("/setup/connections/corp/run", map[string][]string{"documents": {`{"email":"eve@evil.example"}`}})
	if !strings.Contains(page, `id="run-result"`) || !strings.Contains(page, "failed") {
		t.Fatalf("run page:\n%s", page)
	}
	_ = sso.KindOIDC
}

func TestPagesShowGeneratedSecretsOnce(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	res, page := c.form("/setup/connections", url.Values{"new": {"1"}, "id": {"partner"}, "kind": {"jwt"},
		"generateSharedSecret": {"1"}, "provisioning": {"existing-only"}, "groupSync": {"none"}})
	if res.StatusCode != 200 || !strings.Contains(page, `id="shown-once"`) {
		t.Fatalf("save answered %d:\n%s", res.StatusCode, page)
	}
	got, _ := e.store.Connection(context.Background(), "acme", "partner")
	key := got.Parameters.SharedSecret
	if len(key) < 32 || !strings.Contains(page, key) {
		t.Fatal("the page does not show the generated key once")
	}
	for _, p := range []string{"/setup/", "/setup/?edit=partner"} {
		if _, again := c.do("GET", p, nil, ""); strings.Contains(again, key) {
			t.Fatalf("GET %s shows the key again", p)
		}
	}
	res, page = c.form("/setup/connections", url.Values{"new": {"1"}, "id": {"entra"}, "kind": {"azure"},
		"parameters.discoveryEndpoint": {"https://login.example.com/t/v2.0"}, "parameters.clientId": {"app"},
		"parameters.tenantId": {"t"}, "generateKeyPair": {"1"}, "provisioning": {"existing-only"}, "groupSync": {"none"}})
	if res.StatusCode != 200 || !strings.Contains(page, "BEGIN CERTIFICATE") || strings.Contains(page, "PRIVATE KEY") {
		t.Fatalf("key pair save answered %d:\n%s", res.StatusCode, page)
	}
}

// A connection read with GET can be edited and sent back with PUT; the
// blanked secret stays as stored.
func TestViewRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.openLink(t, "acme")
	c.json("POST", "/setup/api/connections", oidcInput("corp", "round-trip-secret"), 201, nil)
	var v map[string]any
	c.json("GET", "/setup/api/connections/corp", nil, 200, &v)
	v["name"] = "Edited"
	c.json("PUT", "/setup/api/connections/corp", v, 200, nil)
	got, _ := e.store.Connection(context.Background(), "acme", "corp")
	if got.Name != "Edited" || got.Parameters.ClientSecret != "round-trip-secret" {
		t.Fatalf("stored %+v", got)
	}
	var apiErr setup.APIError
	c.json("POST", "/setup/api/connections", map[string]any{"id": "x", "kind": "oidc", "clientID": "typo"}, 400, &apiErr)
	if !strings.Contains(apiErr.Error, "clientID") {
		t.Fatalf("unknown field error %q", apiErr.Error)
	}
}
