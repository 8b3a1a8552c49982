package saml

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// XML namespaces used by SAML 2.0.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
	nsXSI       = "http://www.w3.org/2001/XMLSchema-instance"
)

// Structural limits applied to every parsed document, beyond its byte size.
const (
	maxElements = 10000
	maxDepth    = 64
)

// rejectDTD refuses any markup declaration ("<!" other than a comment or a
// CDATA section): DOCTYPE, ENTITY, ELEMENT and their lower-case variants
// that encoding/xml would hand over as directives.
func rejectDTD(data []byte) error {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("<!"))
		if j < 0 {
			return nil
		}
		rest := data[i+j+2:]
		if !bytes.HasPrefix(rest, []byte("--")) && !bytes.HasPrefix(rest, []byte("[CDATA[")) {
			return fmt.Errorf("%w: markup declaration (DOCTYPE or ENTITY)", ErrForbiddenXML)
		}
		i += j + 2
	}
}

// parseXML parses untrusted XML once, after refusing DTDs, and checks the
// tree: size, depth, duplicate attributes, and names. The name check stands
// in for github.com/mattermost/xml-roundtrip-validator (CVE-2020-29509,
// -29510, -29511): every construct that validator reports as unstable under
// encoding/xml round trips is a malformed QName or a directive, both
// refused here, at a tenth of its cost (it re-encodes every token). A
// differential fuzz test (FuzzParseStricterThanRoundTrip) checks that
// whatever the validator rejects, parseXML rejects too.
func parseXML(data []byte) (*etree.Document, error) {
	if err := rejectDTD(data); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, malformed("not well-formed XML", err)
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func checkDocument(doc *etree.Document) error {
	if doc.Root() == nil {
		return malformed("no root element", nil)
	}
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.ProcInst:
			if t.Target != "xml" {
				return fmt.Errorf("%w: processing instruction", ErrForbiddenXML)
			}
		case *etree.Directive:
			return fmt.Errorf("%w: directive", ErrForbiddenXML)
		}
	}
	n := 0
	return checkElement(doc.Root(), 1, &n)
}

func checkElement(el *etree.Element, depth int, n *int) error {
	*n++
	if *n > maxElements || depth > maxDepth {
		return malformed("document too large or too deep", nil)
	}
	if err := checkNames(el); err != nil {
		return err
	}
	for i, a := range el.Attr {
		for _, b := range el.Attr[:i] {
			if a.Space == b.Space && a.Key == b.Key {
				return fmt.Errorf("%w: duplicate XML attribute %q", ErrForbiddenXML, a.FullKey())
			}
		}
	}
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Element:
			if err := checkElement(t, depth+1, n); err != nil {
				return err
			}
		case *etree.ProcInst, *etree.Directive:
			return fmt.Errorf("%w: processing instruction or directive", ErrForbiddenXML)
		}
	}
	return nil
}

// is reports whether el is the element {ns}tag, resolving its prefix.
func is(el *etree.Element, ns, tag string) bool {
	return el.Tag == tag && el.NamespaceURI() == ns
}

// children returns the child elements {ns}tag of el.
func children(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, tag) {
			out = append(out, c)
		}
	}
	return out
}

// child returns the only child {ns}tag of el, nil if there is none, and an
// error if there are several.
func child(el *etree.Element, ns, tag string) (*etree.Element, error) {
	var found *etree.Element
	for _, c := range el.ChildElements() {
		if !is(c, ns, tag) {
			continue
		}
		if found != nil {
			return nil, malformed("more than one "+tag+" in "+el.Tag, nil)
		}
		found = c
	}
	return found, nil
}

// text returns all character data inside el, descendants included, with
// comments skipped (so "a<!---->b" reads "ab", never "a"), trimmed.
func text(el *etree.Element) string {
	var b strings.Builder
	appendText(&b, el)
	return strings.TrimSpace(b.String())
}

func appendText(b *strings.Builder, el *etree.Element) {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		case *etree.Element:
			appendText(b, t)
		}
	}
}

// attrTime parses an optional xs:dateTime attribute.
func attrTime(el *etree.Element, name string) (time.Time, error) {
	v := el.SelectAttrValue(name, "")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999", v)
	}
	if err != nil {
		return time.Time{}, malformed(el.Tag+" "+name+" is not a dateTime", err)
	}
	return t.UTC(), nil
}

// checkNames requires el's name and its attributes' names to be well-formed
// qualified names (prefix and local part without colons, local part not
// empty) whose prefixes are declared, and namespace declarations to be
// sane. encoding/xml tolerates names such as "x::Root", ":attr" or
// "xmlns:" that change meaning when re-serialised.
func checkNames(el *etree.Element) error {
	if !ncName(el.Tag) || (el.Space != "" && !ncName(el.Space)) {
		return fmt.Errorf("%w: malformed element name %q", ErrForbiddenXML, el.FullTag())
	}
	if el.Space != "" && el.Space != "xml" && el.NamespaceURI() == "" {
		return fmt.Errorf("%w: undeclared prefix %q", ErrForbiddenXML, el.Space)
	}
	for _, a := range el.Attr {
		if err := checkAttrName(el, a); err != nil {
			return err
		}
	}
	return nil
}

func checkAttrName(el *etree.Element, a etree.Attr) error {
	if !ncName(a.Key) || (a.Space != "" && !ncName(a.Space)) {
		return fmt.Errorf("%w: malformed attribute name %q", ErrForbiddenXML, a.FullKey())
	}
	switch a.Space {
	case "", "xml":
		return nil
	case "xmlns":
		if a.Value == "" || a.Key == "xmlns" || a.Key == "xml" {
			return fmt.Errorf("%w: bad namespace declaration %q", ErrForbiddenXML, a.FullKey())
		}
		return nil
	}
	if a.NamespaceURI() == "" {
		return fmt.Errorf("%w: undeclared prefix %q", ErrForbiddenXML, a.Space)
	}
	return nil
}

// ncName reports whether s is a non-empty name without a colon whose first
// character can start an XML name. (encoding/xml already checked the other
// characters.)
func ncName(s string) bool {
	if s == "" || strings.ContainsRune(s, ':') {
		return false
	}
	c := s[0]
	return c == '_' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
