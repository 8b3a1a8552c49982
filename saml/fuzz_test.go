package saml_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzVerifyResponse seeds")

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
	for _, mode := range []ssotest.SAMLSigning{ssotest.SignResponseAndAssertion, ssotest.SignAssertionOnly, ssotest.SignResponseOnly} {
		e.idp.Signing = mode
		seeds = append(seeds, e.response(t))
	}
	e.idp.Signing = ssotest.SignResponseAndAssertion
	e.idp.StatusCode, e.idp.StatusMessage = "urn:oasis:names:tc:SAML:2.0:status:Requester", "denied"
	seeds = append(seeds, e.response(t))
	e.idp.StatusCode, e.idp.StatusMessage = "", ""
	return seeds
}

// TestWriteFuzzCorpus regenerates the committed seed corpus when run with
// -update-corpus, and otherwise checks that the committed seeds exist.
func TestWriteFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzVerifyResponse")
	if !*updateCorpus {
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("no committed fuzz seeds in %s (run with -update-corpus): %v", dir, err)
		}
		return
	}
	e := fuzzEnv(t)
	seeds := fuzzSeeds(t, e)
	e.idp.Signing = ssotest.SignResponseOnly
	seeds = append(seeds, xswResponse(t, e.response(t), true, true))
	e.idp.Signing = ssotest.SignAssertionOnly
	for v := 3; v <= 8; v++ {
		seeds = append(seeds, xswAssertion(t, e.response(t), v, true))
	}
	seeds = append(seeds, replaceBytes(t, e.response(t), "<samlp:Response", `<!DOCTYPE r [<!ENTITY e "x">]><samlp:Response`))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
