package ssotest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

func TestJWTPartnerRedirectsWithASignedToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	p := NewJWTPartner(secret, "someone@example.com", "https://app.example/sso/acme/jwt")
	defer p.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.LoginURL() + "?return_to=" + url.QueryEscape("https://app.example/x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), p.Endpoint+"?") || loc.Query().Get("return_to") != "https://app.example/x" {
		t.Fatalf("%d %v", resp.StatusCode, loc)
	}
	tok, err := jwt.Parse([]byte(loc.Query().Get("jwt")), jwt.WithKey(jwa.HS256, secret), jwt.WithValidate(true))
	if err != nil {
		t.Fatal(err)
	}
	email, _ := tok.Get("email")
	if email != "someone@example.com" || !strings.Contains(tok.JwtID(), "/") || tok.JwtID() == "" {
		t.Fatalf("claims email %v jti %q", email, tok.JwtID())
	}
	if p.LastToken() != loc.Query().Get("jwt") {
		t.Fatal("LastToken differs")
	}
	if _, err := jwt.Parse([]byte(p.LastToken()), jwt.WithKey(jwa.HS256, []byte("another key, 32 bytes long......")), jwt.WithValidate(true)); err == nil {
		t.Fatal("token verifies with another key")
	}
}
