package saml_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/ssokit/ssokit/saml"
	"github.com/ssokit/ssokit/ssotest"
)

// securityCase is one rule: a document (built by an IdP that behaves, or a
// hostile one, or by hand) and the error it must produce (nil: accepted).
type securityCase struct {
	name  string
	cfg   func(*saml.Config)
	build func(t *testing.T, e *env) ([]byte, []string)
	want  error
}

// signedWith sets the IdP's signing mode and returns its response.
func signedWith(mode ssotest.SAMLSigning) func(*testing.T, *env) ([]byte, []string) {
	return func(t *testing.T, e *env) ([]byte, []string) {
		e.idp.Signing = mode
		return e.response(t), []string{requestID}
	}
}

// knob changes the IdP before it answers.
func knob(f func(idp *ssotest.SAMLIdP)) func(*testing.T, *env) ([]byte, []string) {
	return func(t *testing.T, e *env) ([]byte, []string) {
		f(e.idp)
		return e.response(t), []string{requestID}
	}
}

func signedThen(mode ssotest.SAMLSigning, f func(*testing.T, []byte) []byte) func(*testing.T, *env) ([]byte, []string) {
	return func(t *testing.T, e *env) ([]byte, []string) {
		e.idp.Signing = mode
		return f(t, e.response(t)), []string{requestID}
	}
}

func otherKey(t *testing.T) func(idp *ssotest.SAMLIdP) {
	key, cert, err := ssotest.NewSAMLKeyPair("attacker")
	if err != nil {
		t.Fatal(err)
	}
	return func(idp *ssotest.SAMLIdP) { idp.Key, idp.Certificate = key, cert }
}

func securityCases(t *testing.T) []securityCase {
	xsw := func(variant int, keepID bool) func(*testing.T, []byte) []byte {
		return func(t *testing.T, b []byte) []byte { return xswAssertion(t, b, variant, keepID) }
	}
	return []securityCase{
		{name: "response and assertion signed is accepted", build: signedWith(ssotest.SAMLSignBoth)},
		{name: "assertion signed in unsigned response is accepted", build: signedWith(ssotest.SAMLSignAssertionOnly)},
		{name: "response signed around unsigned assertion is accepted", build: signedWith(ssotest.SAMLSignResponseOnly)},
		{name: "unsigned assertion in unsigned response is rejected", build: signedWith(ssotest.SAMLSignNothing), want: saml.ErrSignature},
		{name: "unsigned assertion is rejected when both signatures are required", build: signedWith(ssotest.SAMLSignResponseOnly),
			cfg: func(c *saml.Config) { c.RequireSignedResponseAndAssertion = true }, want: saml.ErrSignature},
		{name: "unsigned response is rejected when both signatures are required", build: signedWith(ssotest.SAMLSignAssertionOnly),
			cfg: func(c *saml.Config) { c.RequireSignedResponseAndAssertion = true }, want: saml.ErrSignature},
		{name: "signature by a certificate not in the IdP metadata is rejected", build: knobT(otherKey), want: saml.ErrSignature},
		{name: "certificate embedded in KeyInfo but not trusted is rejected", build: func(t *testing.T, e *env) ([]byte, []string) {
			otherKey(t)(e.idp) // signs with its own key and puts its own certificate in KeyInfo
			e.idp.Signing = ssotest.SAMLSignAssertionOnly
			return e.response(t), []string{requestID}
		}, want: saml.ErrSignature},
		{name: "trusted certificate in KeyInfo over another key's signature is rejected", build: trustedCertOtherKey, want: saml.ErrSignature},
		{name: "SHA-1 signature is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.SignatureMethod = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
		}), want: saml.ErrSignature},
		{name: "SHA-1 signature is accepted when explicitly allowed", build: knob(func(i *ssotest.SAMLIdP) {
			i.SignatureMethod = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
		}), cfg: func(c *saml.Config) { c.InsecureAllowSHA1 = true }},
		{name: "tampered signed assertion is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "ada@customer.example", evilNameID)
		}), want: saml.ErrSignature},
		{name: "second signature on the response is rejected", build: signedThen(ssotest.SAMLSignResponseOnly, duplicateSignature), want: saml.ErrSignature},

		{name: "XSW1 signed response inside its signature is rejected", build: signedThen(ssotest.SAMLSignResponseOnly, func(t *testing.T, b []byte) []byte { return xswResponse(t, b, true, false) }), want: saml.ErrSignature},
		{name: "XSW1 with the original ID is rejected", build: signedThen(ssotest.SAMLSignResponseOnly, func(t *testing.T, b []byte) []byte { return xswResponse(t, b, true, true) }), want: saml.ErrSignature},
		{name: "XSW2 signed response before its signature is rejected", build: signedThen(ssotest.SAMLSignResponseOnly, func(t *testing.T, b []byte) []byte { return xswResponse(t, b, false, false) }), want: saml.ErrSignature},
		{name: "XSW2 with the original ID is rejected", build: signedThen(ssotest.SAMLSignResponseOnly, func(t *testing.T, b []byte) []byte { return xswResponse(t, b, false, true) }), want: saml.ErrSignature},
		{name: "XSW3 evil assertion before the signed one is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(3, false)), want: saml.ErrMalformed},
		{name: "XSW3 with the original ID is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(3, true)), want: saml.ErrMalformed},
		{name: "XSW4 signed assertion inside the evil one is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(4, true)), want: saml.ErrSignature},
		{name: "XSW5 signature moved to the evil assertion is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(5, true)), want: saml.ErrMalformed},
		{name: "XSW6 signed original inside the moved signature is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(6, true)), want: saml.ErrSignature},
		{name: "XSW7 signed assertion in the evil one's Extensions is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(7, true)), want: saml.ErrSignature},
		{name: "XSW8 original in the moved signature's Object is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, xsw(8, true)), want: saml.ErrSignature},
		{name: "XSW signed assertion hidden in response Extensions is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, hiddenInExtensions), want: saml.ErrSignature},

		{name: "wrong issuer is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Issuer = "https://evil.example/idp" }), want: saml.ErrIssuer},
		{name: "wrong assertion issuer in a right response is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { find(a, "Issuer").SetText("https://evil.example/idp") }
		}), want: saml.ErrIssuer},
		{name: "wrong response issuer around a right assertion is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "/metadata</saml:Issuer><samlp:Status>", "/evil</saml:Issuer><samlp:Status>")
		}), want: saml.ErrIssuer},
		{name: "missing assertion issuer is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { a.RemoveChild(find(a, "Issuer")) }
		}), want: saml.ErrIssuer},
		{name: "wrong audience is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Audience = "https://other-app.example" }), want: saml.ErrAudience},
		{name: "missing audience restriction is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { c := find(a, "Conditions"); c.RemoveChild(find(c, "AudienceRestriction")) }
		}), want: saml.ErrAudience},
		{name: "wrong destination is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Destination = "https://evil.example/acs" }), want: saml.ErrDestination},
		{name: "wrong recipient is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Recipient = "https://evil.example/acs" }), want: saml.ErrRecipient},
		{name: "expired assertion is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Now = func() time.Time { return testNow.Add(-10 * time.Minute) } }), want: saml.ErrExpired},
		{name: "not yet valid assertion is rejected", build: knob(func(i *ssotest.SAMLIdP) { i.Now = func() time.Time { return testNow.Add(10 * time.Minute) } }), want: saml.ErrNotYetValid},
		{name: "clock skew within tolerance is accepted", build: knob(func(i *ssotest.SAMLIdP) { i.Now = func() time.Time { return testNow.Add(80 * time.Second) } })},
		{name: "expired subject confirmation is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) {
				find(a, "SubjectConfirmationData").CreateAttr("NotOnOrAfter", testNow.Add(-5*time.Minute).Format(time.RFC3339))
			}
		}), want: saml.ErrExpired},
		{name: "expired conditions are rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) {
				find(a, "Conditions").CreateAttr("NotOnOrAfter", testNow.Add(-5*time.Minute).Format(time.RFC3339))
			}
		}), want: saml.ErrExpired},
		{name: "ended IdP session is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) {
				find(a, "AuthnStatement").CreateAttr("SessionNotOnOrAfter", testNow.Add(-5*time.Minute).Format(time.RFC3339))
			}
		}), want: saml.ErrExpired},
		{name: "subject confirmation without NotOnOrAfter is rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { find(a, "SubjectConfirmationData").RemoveAttr("NotOnOrAfter") }
		}), want: saml.ErrSubject},
		{name: "InResponseTo differing between response and assertion is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, `InResponseTo="`+requestID+`"><saml:Issuer>`, `InResponseTo="id-other"><saml:Issuer>`)
		}), want: saml.ErrMalformed},
		{name: "InResponseTo of a request never issued is rejected", build: func(t *testing.T, e *env) ([]byte, []string) {
			return e.response(t), []string{"id-some-other-request"}
		}, want: saml.ErrInResponseTo},
		{name: "InResponseTo is rejected even when IdP-initiated login is on", build: func(t *testing.T, e *env) ([]byte, []string) {
			return e.response(t), nil
		}, cfg: func(c *saml.Config) { c.InsecureAllowIdPInitiated = true }, want: saml.ErrInResponseTo},
		{name: "unsolicited response is rejected when IdP-initiated login is off", build: unsolicited, want: saml.ErrUnsolicited},
		{name: "unsolicited response is accepted when IdP-initiated login is on", build: unsolicited,
			cfg: func(c *saml.Config) { c.InsecureAllowIdPInitiated = true }},
		{name: "failed status returns the IdP's message", build: knob(func(i *ssotest.SAMLIdP) {
			i.StatusCode, i.StatusMessage = "urn:oasis:names:tc:SAML:2.0:status:Responder", "user is not assigned to this application"
		}), want: saml.ErrStatus},
		{name: "duplicate attributes are rejected", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) {
				st := find(a, "AttributeStatement")
				st.AddChild(find(st, "Attribute").Copy())
			}
		}), want: saml.ErrDuplicateAttribute},
		{name: "duplicate XML attributes are rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, `<saml:Assertion `, `<saml:Assertion ID="_evil" `)
		}), want: saml.ErrForbiddenXML},
		{name: "DOCTYPE is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "<samlp:Response", "<!DOCTYPE samlp:Response>\n<samlp:Response")
		}), want: saml.ErrForbiddenXML},
		{name: "entity declaration is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			b = replaceBytes(t, b, "<samlp:Response", `<!DOCTYPE r [<!ENTITY e "admin@victim.example">]><samlp:Response`)
			return replaceBytes(t, b, "ada@customer.example", "&e;")
		}), want: saml.ErrForbiddenXML},
		{name: "lower-case doctype directive is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "<samlp:Response", "<!doctype x><samlp:Response")
		}), want: saml.ErrForbiddenXML},
		{name: "processing instruction inside the document is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "<samlp:Status>", "<samlp:Status><?evil x?>")
		}), want: saml.ErrForbiddenXML},
		{name: "namespace prefix that does not round-trip is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, "<samlp:Status>", `<samlp:Status xmlns:="urn:z">`)
		}), want: saml.ErrForbiddenXML},
		{name: "assertion in a foreign namespace is rejected", build: signedThen(ssotest.SAMLSignAssertionOnly, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"`, `<saml:Assertion xmlns:saml="urn:evil:assertion"`)
		}), want: saml.ErrMalformed},
		{name: "response in a foreign namespace is rejected", build: signedThen(ssotest.SAMLSignBoth, func(t *testing.T, b []byte) []byte {
			return replaceBytes(t, b, `xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"`, `xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol"`)
		}), want: saml.ErrMalformed},
		{name: "assertion with another prefix (Okta's saml2:) is accepted", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { renamePrefix(a, "saml", "saml2") }
		})},
		{name: "assertion in the default namespace is accepted", build: knob(func(i *ssotest.SAMLIdP) {
			i.BeforeSign = func(a *etree.Element) { renamePrefix(a, "saml", "") }
		})},
		{name: "oversized response is rejected", cfg: func(c *saml.Config) { c.MaxResponseBytes = 4096 },
			build: signedWith(ssotest.SAMLSignBoth), want: saml.ErrTooLarge},
	}
}

// renamePrefix moves every element of the SAML assertion namespace from one
// prefix to another ("" for the default namespace).
func renamePrefix(el *etree.Element, from, to string) {
	if el.Space == from {
		el.Space = to
	}
	for i, a := range el.Attr {
		if a.Space == "xmlns" && a.Key == from {
			if to == "" {
				el.Attr[i].Space, el.Attr[i].Key = "", "xmlns"
			} else {
				el.Attr[i].Key = to
			}
		}
	}
	for _, c := range el.ChildElements() {
		renamePrefix(c, from, to)
	}
}

func knobT(f func(*testing.T) func(*ssotest.SAMLIdP)) func(*testing.T, *env) ([]byte, []string) {
	return func(t *testing.T, e *env) ([]byte, []string) {
		f(t)(e.idp)
		return e.response(t), []string{requestID}
	}
}

func unsolicited(t *testing.T, e *env) ([]byte, []string) {
	b, err := e.idp.Response("")
	if err != nil {
		t.Fatal(err)
	}
	return b, nil
}

// trustedCertOtherKey signs with an attacker key, then swaps the trusted
// certificate into KeyInfo.
func trustedCertOtherKey(t *testing.T, e *env) ([]byte, []string) {
	trusted := e.idp.Certificate
	otherKey(t)(e.idp)
	e.idp.Signing = ssotest.SAMLSignAssertionOnly
	b := e.response(t)
	doc := parseDoc(t, b)
	find(doc.Root(), "X509Certificate").SetText(base64Cert(trusted.Raw))
	return writeDoc(t, doc), []string{requestID}
}

func duplicateSignature(t *testing.T, b []byte) []byte {
	doc := parseDoc(t, b)
	sig := directSignature(doc.Root())
	doc.Root().InsertChildAt(sig.Index(), sig.Copy())
	return writeDoc(t, doc)
}

func TestSecurityRules(t *testing.T) {
	for _, tt := range append(securityCases(t), encryptionCases(t)...) {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*saml.Config)
			if tt.cfg != nil {
				mods = append(mods, tt.cfg)
			}
			e := newEnv(t, mods...)
			doc, ids := tt.build(t, e)
			a, err := e.sp.VerifyResponseXML(context.Background(), doc, ids)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if a.NameID.Value != "ada@customer.example" {
					t.Fatalf("NameID = %q", a.NameID.Value)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			t.Logf("rejected: %v", err)
			if a != nil {
				t.Fatalf("returned an assertion with an error: %+v", a)
			}
		})
	}
}

func TestSecondSignatureIsNamed(t *testing.T) {
	e := newEnv(t)
	e.idp.Signing = ssotest.SAMLSignResponseOnly
	_, err := e.sp.VerifyResponseXML(context.Background(), duplicateSignature(t, e.response(t)), []string{requestID})
	var se *saml.SignatureError
	if !errors.As(err, &se) || se.Element != "Response" || se.Reason != "appears more than once" {
		t.Fatalf("err = %v, want a SignatureError naming the repeated signature", err)
	}
}

func TestCommentInjectionInNameID(t *testing.T) {
	for _, mode := range []ssotest.SAMLSigning{ssotest.SAMLSignAssertionOnly, ssotest.SAMLSignResponseOnly} {
		e := newEnv(t)
		e.idp.User.NameID = "user@evil.com.example.com"
		e.idp.Signing = mode
		b := replaceBytes(t, e.response(t), "user@evil.com.example.com", "user@evil.com<!---->.example.com")
		a, err := e.sp.VerifyResponseXML(context.Background(), b, []string{requestID})
		if err != nil {
			t.Fatalf("signing mode %d: exclusive C14N ignores comments, so the signature must still hold: %v", mode, err)
		}
		if a.NameID.Value != "user@evil.com.example.com" {
			t.Fatalf("signing mode %d: NameID = %q, want the whole signed value", mode, a.NameID.Value)
		}
	}
}

func TestReplayedAssertionIsRejected(t *testing.T) {
	e := newEnv(t)
	b := e.response(t)
	if _, err := e.sp.VerifyResponseXML(context.Background(), b, []string{requestID}); err != nil {
		t.Fatal(err)
	}
	_, err := e.sp.VerifyResponseXML(context.Background(), b, []string{requestID})
	var re *saml.ReplayError
	if !errors.Is(err, saml.ErrReplay) || !errors.As(err, &re) || re.ID == "" {
		t.Fatalf("second use: err = %v, want ReplayError", err)
	}
}

func TestTypedErrorsNameWhatFailed(t *testing.T) {
	e := newEnv(t)
	e.idp.Audience = "https://other-app.example"
	_, err := e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID})
	var ae *saml.AudienceError
	if !errors.As(err, &ae) || ae.Want != spEntityID || len(ae.Got) != 1 || ae.Got[0] != "https://other-app.example" {
		t.Fatalf("err = %#v", err)
	}
	e = newEnv(t)
	e.idp.StatusCode, e.idp.StatusMessage = "urn:oasis:names:tc:SAML:2.0:status:Responder", "user is not assigned"
	_, err = e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID})
	var se *saml.StatusError
	if !errors.As(err, &se) || se.Message != "user is not assigned" || !strings.Contains(err.Error(), "Responder: user is not assigned") {
		t.Fatalf("err = %v", err)
	}
	e = newEnv(t)
	e.idp.Now = func() time.Time { return testNow.Add(-time.Hour) }
	_, err = e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID})
	var te *saml.TimeError
	if !errors.As(err, &te) || !te.Now.Equal(testNow) || te.Bound.After(testNow) {
		t.Fatalf("err = %v", err)
	}
}

func base64Cert(der []byte) string {
	var b bytes.Buffer
	enc := base64Encoder(&b)
	enc.Write(der)
	enc.Close()
	return b.String()
}

type failingCache struct{ err error }

func (c failingCache) Seen(context.Context, string, time.Time) (bool, error) { return false, c.err }

func TestReplayCacheErrorsAreReturned(t *testing.T) {
	boom := errors.New("redis down")
	e := newEnv(t, func(c *saml.Config) { c.ReplayCache = failingCache{boom} })
	_, err := e.sp.VerifyResponseXML(context.Background(), e.response(t), []string{requestID})
	if !errors.Is(err, boom) || !errors.Is(err, saml.ErrReplayCache) {
		t.Fatalf("err = %v, want ErrReplayCache wrapping the cache's error (fail closed)", err)
	}
	e = newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.sp.VerifyResponseXML(ctx, e.response(t), []string{requestID}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled from the default cache", err)
	}
}
