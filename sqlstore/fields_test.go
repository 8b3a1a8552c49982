package sqlstore

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

// TestSecretsAreSealedByDefault: the known secrets are not public, and a
// field sso adds later (here a made-up SAML SP private key) is sealed
// until someone declares it public.
func TestSecretsAreSealedByDefault(t *testing.T) {
	for _, name := range []string{"clientSecret", "privateKey", "sharedSecret"} {
		if isPublicParameter(name) {
			t.Errorf("secret parameter %s is stored in the clear", name)
		}
	}
	raw := []byte(`{"id":"saml","kind":"saml","futureToken":"T0P",
		"parameters":{"ssoUrl":"https://idp.example","clientSecret":"S3C","spPrivateKey":"K3Y"}}`)
	body, secret, err := splitJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"S3C", "K3Y", "T0P", "spPrivateKey", "futureToken"} {
		if strings.Contains(string(body), v) {
			t.Errorf("body holds %s: %s", v, body)
		}
		if !strings.Contains(string(secret), v) {
			t.Errorf("sealed document lacks %s: %s", v, secret)
		}
	}
	if !strings.Contains(string(body), "https://idp.example") {
		t.Errorf("public parameter missing from body: %s", body)
	}
	var doc sealedDoc
	if err := json.Unmarshal(secret, &doc); err != nil || len(doc.Parameters) != 2 || len(doc.Connection) != 1 {
		t.Fatalf("sealed document %s, %v", secret, err)
	}
}

// TestEveryParameterRoundTrips fills every field of sso.Parameters and
// checks that encode and decode give it back, so a public/secret split
// never loses a field.
func TestEveryParameterRoundTrips(t *testing.T) {
	s := &Store{keys: mustRing(t), rand: strings.NewReader(strings.Repeat("n", 64))}
	c := sso.Connection{ID: "x", Kind: sso.KindOIDC, Name: "n", Domains: []string{"d"}, Version: 0}
	v := reflect.ValueOf(&c.Parameters).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("value-" + v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"a", "b"}))
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string]string{"email": "upn"}))
		default:
			t.Fatalf("unhandled kind %s of %s", f.Kind(), v.Type().Field(i).Name)
		}
	}
	body, sealed, err := s.encodeConnection("acme", c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.decodeConnection("acme", body, sealed)
	if err != nil || !reflect.DeepEqual(got.Parameters, c.Parameters) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v (%v)", got.Parameters, c.Parameters, err)
	}
}

func mustRing(t *testing.T) *KeyRing {
	r, err := NewKeyRing(Key{ID: "k", Secret: make([]byte, KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
