package saml_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/jonboulle/clockwork"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

// noReplay lets one document be verified again and again.
type noReplay struct{}

func (noReplay) Seen(context.Context, string, time.Time) (bool, error) { return false, nil }

// benchDoc is a signed response with 20 group values (about 5 KB), as
// Okta or Entra ID would send it (only the assertion signed).
func benchDoc(b *testing.B) (*env, []byte) {
	e := fuzzEnv(b)
	e.idp.Signing = ssotest.SAMLSignAssertionOnly
	e.idp.User.Attributes = e.idp.User.Attributes[3:] // only the 20 group object IDs
	e.idp.User.Attributes[0].Name = "groups"
	cfg := e.cfg
	cfg.ReplayCache, cfg.InsecureAllowIdPInitiated = noReplay{}, false
	sp, err := saml.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	e.sp = sp
	return e, e.response(b)
}

// BenchmarkVerifyResponse compares, on the same document and in the same
// run: ssokit's full verification; goxmldsig alone (one etree parse and the
// signature check of the assertion, no SAML checks); gosaml2's
// RetrieveAssertionInfo; and the floor, one RSA-2048 PKCS#1 v1.5 check.
func BenchmarkVerifyResponse(b *testing.B) {
	e, doc := benchDoc(b)
	encoded := base64.StdEncoding.EncodeToString(doc)
	b.Logf("response: %d bytes", len(doc))
	ctx := context.Background()
	ids := []string{requestID}

	b.Run("ssokit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.sp.VerifyResponse(ctx, encoded, ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goxmldsig-raw", func(b *testing.B) {
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: e.cfg.IdP.Certificates})
		vc.Clock = dsig.NewFakeClock(clockwork.NewFakeClockAt(testNow))
		b.ReportAllocs()
		for b.Loop() {
			raw, _ := base64.StdEncoding.DecodeString(encoded)
			d := etree.NewDocument()
			if err := d.ReadFromBytes(raw); err != nil {
				b.Fatal(err)
			}
			a := d.Root().SelectElement("Assertion")
			if _, err := vc.Validate(a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gosaml2-RetrieveAssertionInfo", func(b *testing.B) {
		sp := &saml2.SAMLServiceProvider{
			IdentityProviderIssuer:      fuzzIdPEntityID,
			AssertionConsumerServiceURL: acsURL,
			ServiceProviderIssuer:       spEntityID,
			AudienceURI:                 spEntityID,
			IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: e.cfg.IdP.Certificates},
			Clock:                       dsig.NewFakeClock(clockwork.NewFakeClockAt(testNow)),
		}
		b.ReportAllocs()
		for b.Loop() {
			info, err := sp.RetrieveAssertionInfo(encoded)
			if err != nil || info.WarningInfo.InvalidTime || info.WarningInfo.NotInAudience {
				b.Fatalf("%v %+v", err, info)
			}
		}
	})
	b.Run("rsa2048-pkcs1v15-verify", func(b *testing.B) {
		key, _ := loadTestKey(b)
		digest := sha256.Sum256(doc)
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
