package ssotest_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/ssotest"
)

func redirectRequest(t *testing.T, idp *ssotest.SAMLIdP, xml string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	w.Write([]byte(xml))
	w.Close()
	resp, err := idp.Client().Get(idp.SSOURL() + "?SAMLRequest=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes())))
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSAMLIdPAnswersOnlyRegisteredACS(t *testing.T) {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "a@b.example"})
	defer idp.Close()
	idp.SPEntityID, idp.ACSURL = "https://sp.example", "https://sp.example/acs"
	tests := []struct {
		name string
		xml  string
		want int
	}{
		{"registered ACS is answered", `<AuthnRequest ID="id-1" AssertionConsumerServiceURL="https://sp.example/acs"/>`, http.StatusOK},
		{"unregistered ACS is refused", `<AuthnRequest ID="id-2" AssertionConsumerServiceURL="https://evil.example/acs"/>`, http.StatusBadRequest},
		{"request without ID is refused", `<AuthnRequest/>`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := redirectRequest(t, idp, tt.xml)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want == http.StatusOK && (idp.LastRequestID() != "id-1" || !strings.Contains(string(body), `name="SAMLResponse"`)) {
				t.Fatalf("LastRequestID %q, body %s", idp.LastRequestID(), body)
			}
		})
	}
}

func TestSAMLIdPHostileKnobs(t *testing.T) {
	idp := ssotest.NewSAMLIdP(ssotest.SAMLUser{NameID: "a@b.example"})
	defer idp.Close()
	idp.SPEntityID, idp.ACSURL = "https://sp.example", "https://sp.example/acs"
	idp.Signing = ssotest.SAMLSignNothing
	idp.Issuer, idp.Recipient = "https://evil.example/idp", "https://evil.example/acs"
	b, err := idp.Response("id-1")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`Recipient="https://evil.example/acs"`, `<saml:Issuer>https://evil.example/idp</saml:Issuer>`, `InResponseTo="id-1"`} {
		if !strings.Contains(s, want) {
			t.Errorf("response lacks %s", want)
		}
	}
	if strings.Contains(s, "Signature") {
		t.Errorf("SAMLSignNothing still signed: %s", s)
	}
}
