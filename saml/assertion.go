package saml

import (
	"time"
)

// Assertion is a verified SAML assertion: everything the IdP asserted about
// the user, read only from signed XML. Nothing is dropped: every attribute
// keeps all of its values, in document order.
type Assertion struct {
	// ID is the assertion ID (remembered by the ReplayCache).
	ID string
	// Issuer is the IdP entity ID that issued the assertion.
	Issuer string
	// NameID is the subject's name identifier.
	NameID NameID
	// SessionIndex identifies the session at the IdP (for single logout).
	SessionIndex string
	// AuthnInstant is when the user authenticated at the IdP.
	AuthnInstant time.Time
	// AuthnContextClassRef names how the user authenticated, if given.
	AuthnContextClassRef string
	// SessionNotOnOrAfter is when the IdP wants the session to end; zero if
	// not given.
	SessionNotOnOrAfter time.Time
	// NotBefore and NotOnOrAfter are the Conditions' validity window.
	NotBefore, NotOnOrAfter time.Time
	// InResponseTo is the request ID this answers; empty for an
	// IdP-initiated login.
	InResponseTo string
	// Attributes lists every attribute statement entry.
	Attributes []Attribute
	// ResponseSigned and AssertionSigned tell which elements carried a
	// valid signature.
	ResponseSigned, AssertionSigned bool
}

// NameID is a SAML name identifier.
type NameID struct {
	Value           string
	Format          string
	NameQualifier   string
	SPNameQualifier string
}

// Attribute is one SAML attribute with all of its values.
type Attribute struct {
	Name         string
	NameFormat   string
	FriendlyName string
	Values       []string
}

// Attribute returns the attribute whose Name or, failing that, FriendlyName
// is name.
func (a *Assertion) Attribute(name string) (Attribute, bool) {
	for _, at := range a.Attributes {
		if at.Name == name {
			return at, true
		}
	}
	for _, at := range a.Attributes {
		if at.FriendlyName == name {
			return at, true
		}
	}
	return Attribute{}, false
}

// Values returns the values of the attribute named name (by Name or
// FriendlyName), nil if absent.
func (a *Assertion) Values(name string) []string {
	at, _ := a.Attribute(name)
	return at.Values
}

// Claims returns the attributes as a claims document for the mapping
// engine: each attribute under its Name with a []any of its string values,
// and also under its FriendlyName when that name is free. The NameID is
// under "nameid" unless an attribute has that name.
func (a *Assertion) Claims() map[string]any {
	m := make(map[string]any, 2*len(a.Attributes)+1)
	for _, at := range a.Attributes {
		m[at.Name] = stringsToAny(at.Values)
	}
	for _, at := range a.Attributes {
		if _, taken := m[at.FriendlyName]; at.FriendlyName != "" && !taken {
			m[at.FriendlyName] = stringsToAny(at.Values)
		}
	}
	if _, taken := m["nameid"]; !taken {
		m["nameid"] = a.NameID.Value
	}
	return m
}

func stringsToAny(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
