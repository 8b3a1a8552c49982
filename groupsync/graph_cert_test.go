package groupsync

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func testCertificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ssokit directory sync"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func TestGraphCertificateCredentials(t *testing.T) {
	cert, key := testCertificate(t)
	f := newFakeGraph(t)
	f.cert = cert
	g, err := NewGraph(GraphConfig{BaseURL: f.srv.URL, ClientID: "cid", Certificate: cert, Key: key,
		TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client(),
		Now: func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if users, err := g.Users(context.Background()); err != nil || len(users) != 3 || f.tokenCalls != 1 {
		t.Fatalf("users %d, token calls %d, err %v, assertion check %v", len(users), f.tokenCalls, err, f.assertionErr)
	}
	t.Run("an assertion signed by another key is refused", func(t *testing.T) {
		other, _ := testCertificate(t)
		f := newFakeGraph(t)
		f.cert = other
		g, _ := NewGraph(GraphConfig{BaseURL: f.srv.URL, ClientID: "cid", Certificate: cert, Key: key,
			TokenURL: f.srv.URL + "/contoso/oauth2/v2.0/token", HTTPClient: f.srv.Client()})
		var re *oauth2.RetrieveError
		if _, err := g.Users(context.Background()); !errors.As(err, &re) || f.assertionErr == nil {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a key that does not match the certificate is a config error", func(t *testing.T) {
		_, otherKey := testCertificate(t)
		var ce *ConfigError
		if _, err := NewGraph(GraphConfig{ClientID: "cid", TenantID: "t", Certificate: cert, Key: otherKey}); !errors.As(err, &ce) {
			t.Fatalf("err = %v", err)
		}
	})
}
