package saml_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

const fuzzIdPEntityID = "https://idp.example.com/metadata"

// fuzzEnv is an IdP (not listening) and SP with fixed identities, so that
// committed seeds stay verifiable.
func fuzzEnv(t testing.TB) *env {
	idp := ssotest.NewUnstartedSAMLIdP(testUser())
	idp.Key, idp.Certificate = loadTestKey(t)
	idp.URL = "https://idp.example.com"
	idp.EntityID, idp.SPEntityID, idp.ACSURL, idp.Now = fuzzIdPEntityID, spEntityID, acsURL, fixedNow
	return newSPFor(t, idp, func(c *saml.Config) { c.InsecureAllowIdPInitiated = true })
}

var sentinels = []error{saml.ErrTooLarge, saml.ErrMalformed, saml.ErrForbiddenXML, saml.ErrSignature,
	saml.ErrIssuer, saml.ErrDestination, saml.ErrRecipient, saml.ErrAudience, saml.ErrExpired,
	saml.ErrNotYetValid, saml.ErrInResponseTo, saml.ErrUnsolicited, saml.ErrReplay, saml.ErrStatus,
	saml.ErrDuplicateAttribute, saml.ErrDecrypt, saml.ErrSubject}

func FuzzVerifyResponse(f *testing.F) {
	e := fuzzEnv(f)
	seeds := fuzzSeeds(f, e)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		sp, err := saml.New(e.cfg) // fresh replay cache: each input judged alone
		if err != nil {
			t.Fatal(err)
		}
		a, err := sp.VerifyResponseXML(context.Background(), doc, []string{requestID})
		if (a == nil) == (err == nil) {
			t.Fatalf("assertion %v with error %v", a, err)
		}
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if a.NameID.Value == "" || a.ID == "" || !(a.ResponseSigned || a.AssertionSigned) {
			t.Fatalf("accepted an incomplete assertion: %+v", a)
		}
	})
}

func fuzzSeeds(t testing.TB, e *env) [][]byte {
	var seeds [][]byte
	for _, mode := range []ssotest.SAMLSigning{ssotest.SAMLSignBoth, ssotest.SAMLSignAssertionOnly, ssotest.SAMLSignResponseOnly} {
		e.idp.Signing = mode
		seeds = append(seeds, e.response(t))
	}
	e.idp.Signing = ssotest.SAMLSignBoth
	e.idp.StatusCode, e.idp.StatusMessage = "urn:oasis:names:tc:SAML:2.0:status:Requester", "denied"
	seeds = append(seeds, e.response(t))
	e.idp.StatusCode, e.idp.StatusMessage = "", ""
	return seeds
}

// TestWriteFuzzCorpus regenerates the committed seed corpus when run with
// -update-corpus, and otherwise checks that the committed seeds exist.
func TestWriteFuzzCorpus(t *testing.T) {
	if !saml.UpdateCorpus() {
		for _, target := range []string{"FuzzVerifyResponse", "FuzzParseIdPMetadata", "FuzzParseStricterThanRoundTrip"} {
			entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
			if err != nil || len(entries) == 0 {
				t.Fatalf("no committed fuzz seeds for %s (run with -update-corpus): %v", target, err)
			}
		}
		return
	}
	e := fuzzEnv(t)
	seeds := fuzzSeeds(t, e)
	e.idp.Signing = ssotest.SAMLSignResponseOnly
	seeds = append(seeds, xswResponse(t, e.response(t), true, true))
	e.idp.Signing = ssotest.SAMLSignAssertionOnly
	for v := 3; v <= 8; v++ {
		seeds = append(seeds, xswAssertion(t, e.response(t), v, true))
	}
	seeds = append(seeds, replaceBytes(t, e.response(t), "<samlp:Response", `<!DOCTYPE r [<!ENTITY e "x">]><samlp:Response`))
	saml.WriteCorpus(t, "FuzzVerifyResponse", seeds)
	saml.WriteCorpus(t, "FuzzParseIdPMetadata", metadataSeeds(t))
}

func metadataSeeds(t testing.TB) [][]byte {
	idp := ssotest.NewUnstartedSAMLIdP(testUser())
	idp.Key, idp.Certificate = loadTestKey(t)
	idp.URL, idp.EntityID = "https://idp.example.com", fuzzIdPEntityID
	md := idp.Metadata()
	wrapped := `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">` + string(md) + `</md:EntitiesDescriptor>`
	return [][]byte{md, []byte(wrapped), []byte(`<!DOCTYPE x><x/>`)}
}

// FuzzParseIdPMetadata feeds metadata (admin-pasted or fetched) to the
// parser: it must return an IdP with a certificate or an error wrapping
// ErrMetadata, ErrConfig or ErrTooLarge, never panic.
func FuzzParseIdPMetadata(f *testing.F) {
	for _, s := range metadataSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		idp, err := saml.ParseIdPMetadata(data)
		if err != nil {
			if !errors.Is(err, saml.ErrMetadata) && !errors.Is(err, saml.ErrTooLarge) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if idp.EntityID == "" || len(idp.Certificates) == 0 {
			t.Fatalf("accepted metadata without entity ID or certificate: %+v", idp)
		}
	})
}
