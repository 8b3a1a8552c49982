package saml_test

import (
	"testing"

	"github.com/beevik/etree"
)

// The XML signature wrapping attacks XSW1–XSW8 (Somorovsky et al., "On
// Breaking SAML", and SAML Raider's catalogue), built from a really signed
// response. Each keeps the IdP's valid signature somewhere in the document
// and adds an assertion naming evilNameID where a careless verifier would
// read it.

const evilNameID = "admin@victim.example"

// xswDoc is a parsed, really signed response with handles on its parts.
type xswDoc struct {
	doc       *etree.Document
	response  *etree.Element
	assertion *etree.Element
}

func newXSWDoc(t *testing.T, signed []byte) *xswDoc {
	t.Helper()
	doc := parseDoc(t, signed)
	x := &xswDoc{doc: doc, response: doc.Root(), assertion: find(doc.Root(), "Assertion")}
	if x.assertion == nil {
		t.Fatal("no assertion")
	}
	return x
}

// evil returns an unsigned copy of el with the NameID replaced and, unless
// keepID, a new ID.
func evil(el *etree.Element, keepID bool) *etree.Element {
	c := el.Copy()
	for _, s := range c.ChildElements() {
		if s.Tag == "Signature" {
			c.RemoveChild(s)
		}
	}
	if a := find(c, "Assertion"); a != nil {
		for _, s := range a.ChildElements() {
			if s.Tag == "Signature" {
				a.RemoveChild(s)
			}
		}
	}
	find(c, "NameID").SetText(evilNameID)
	if !keepID {
		c.CreateAttr("ID", "_evil"+el.SelectAttrValue("ID", ""))
	}
	return c
}

func directSignature(el *etree.Element) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" {
			return c
		}
	}
	return nil
}

// xswResponse applies XSW1 (inside=true: the signed original Response goes
// inside the Signature) or XSW2 (inside=false: it goes before the
// Signature, as a detached signature would) to a response-signed document.
func xswResponse(t *testing.T, signed []byte, inside, keepID bool) []byte {
	x := newXSWDoc(t, signed)
	orig := x.response
	sig := directSignature(orig)
	if sig == nil {
		t.Fatal("response is not signed")
	}
	root := evil(orig, keepID)
	origCopy := orig.Copy()
	origCopy.RemoveChild(directSignature(origCopy))
	sigCopy := sig.Copy()
	if inside {
		sigCopy.AddChild(origCopy)
		root.InsertChildAt(directIndexAfterIssuer(root), sigCopy)
	} else {
		root.InsertChildAt(directIndexAfterIssuer(root), sigCopy)
		root.InsertChildAt(directIndexAfterIssuer(root), origCopy)
	}
	out := etree.NewDocument()
	out.SetRoot(root)
	return writeDoc(t, out)
}

func directIndexAfterIssuer(el *etree.Element) int {
	for i, c := range el.Child {
		if e, ok := c.(*etree.Element); ok && e.Tag == "Issuer" {
			return i + 1
		}
	}
	return 0
}

// xswAssertion applies XSW3–XSW8 to an assertion-signed response.
func xswAssertion(t *testing.T, signed []byte, variant int, keepID bool) []byte {
	x := newXSWDoc(t, signed)
	orig := x.assertion
	sig := directSignature(orig)
	if sig == nil {
		t.Fatal("assertion is not signed")
	}
	bad := evil(orig, keepID)
	origUnsigned := orig.Copy()
	origUnsigned.RemoveChild(directSignature(origUnsigned))
	resp := x.response
	switch variant {
	case 3: // evil assertion before the signed original
		resp.InsertChildAt(orig.Index(), bad)
	case 4: // signed original wrapped inside the evil assertion
		resp.RemoveChild(orig)
		bad.AddChild(orig)
		resp.AddChild(bad)
	case 5: // evil assertion carries the signature; unsigned original follows
		resp.RemoveChild(orig)
		bad.InsertChildAt(directIndexAfterIssuer(bad), sig.Copy())
		resp.AddChild(bad)
		resp.AddChild(origUnsigned)
	case 6: // evil assertion carries the signature, original inside it
		resp.RemoveChild(orig)
		s := sig.Copy()
		s.AddChild(origUnsigned)
		bad.InsertChildAt(directIndexAfterIssuer(bad), s)
		resp.AddChild(bad)
	case 7: // signed original hidden in an Extensions element of the evil one
		resp.RemoveChild(orig)
		ext := bad.CreateElement("samlp:Extensions")
		ext.AddChild(orig)
		resp.AddChild(bad)
	case 8: // signature moved into the evil assertion, original in ds:Object
		resp.RemoveChild(orig)
		s := sig.Copy()
		s.CreateElement("ds:Object").AddChild(origUnsigned)
		bad.InsertChildAt(directIndexAfterIssuer(bad), s)
		resp.AddChild(bad)
	default:
		t.Fatalf("no XSW%d", variant)
	}
	return writeDoc(t, x.doc)
}

// hiddenInExtensions puts the signed assertion in Response/Extensions and an
// unsigned evil one where the assertion belongs.
func hiddenInExtensions(t *testing.T, signed []byte) []byte {
	x := newXSWDoc(t, signed)
	bad := evil(x.assertion, true)
	x.response.RemoveChild(x.assertion)
	ext := etree.NewElement("samlp:Extensions")
	ext.AddChild(x.assertion)
	x.response.InsertChildAt(directIndexAfterIssuer(x.response), ext)
	x.response.AddChild(bad)
	return writeDoc(t, x.doc)
}
