package scim

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldKey maps s to one representative of its case-folding class: two
// strings have the same key exactly when strings.EqualFold says they are
// equal. The uniqueness of userName and the indexes use it, so "ſam" (long
// s) cannot sit beside "sam", and an index answers exactly what a scan
// would.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s) // foldRune maps ASCII letters to upper case
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest rune of r's simple case-folding orbit.
func foldRune(r rune) rune {
	lowest := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		lowest = min(lowest, f)
	}
	return lowest
}

// Names of the secondary indexes.
const (
	idxExternalID  = "externalId"
	idxEmail       = "emails.value"
	idxDisplayName = "displayName"
)

// indexKeys lists the secondary index entries of a resource: externalId
// (exact) and every email (folded) for Users, displayName (folded) and
// externalId for Groups. These answer the lookups Okta and Entra ID make.
func indexKeys(r *Resource) [][2]string {
	var keys [][2]string
	if x := r.ExternalID(); x != "" {
		keys = append(keys, [2]string{idxExternalID, x})
	}
	switch r.Type {
	case UserType:
		for _, e := range r.Emails() {
			keys = append(keys, [2]string{idxEmail, foldKey(e)})
		}
	case GroupType:
		if d := r.DisplayName(); d != "" {
			keys = append(keys, [2]string{idxDisplayName, foldKey(d)})
		}
	}
	return keys
}

// index adds (add true) or removes an entry from the secondary indexes.
func (c *collection) index(e *entry, add bool) {
	for _, k := range indexKeys(&e.res) {
		m := c.idx[k[0]]
		if m == nil {
			m = map[string][]*entry{}
			c.idx[k[0]] = m
		}
		list := slices.DeleteFunc(m[k[1]], func(x *entry) bool { return x == e })
		if add {
			list = append(list, e)
		}
		if len(list) == 0 {
			delete(m, k[1])
		} else {
			m[k[1]] = list
		}
	}
}

// lookupIndexed answers a filter from an index when it requires equality
// on id, userName, externalId, an email or a group's displayName (alone,
// in an "and", or inside emails[...]). The result is a superset of the
// matches in creation order; indexed is false when no index applies.
func (c *collection) lookupIndexed(f Filter) (hits []*entry, indexed bool) {
	switch f := f.(type) {
	case *LogicalExpr:
		if f.Op != And {
			return nil, false
		}
		if hits, ok := c.lookupIndexed(f.Left); ok {
			return hits, true
		}
		return c.lookupIndexed(f.Right)
	case *ValuePathExpr:
		if f.Path.URI != "" || f.Path.Name != "emails" {
			return nil, false
		}
		return c.lookupIndexed(scopeEmails(f.Filter))
	case *AttrExpr:
		return c.lookupEq(f)
	}
	return nil, false
}

// scopeEmails rewrites "value eq x" inside emails[...] to the top-level
// path emails.value, keeping the and-structure.
func scopeEmails(f Filter) Filter {
	switch f := f.(type) {
	case *LogicalExpr:
		if f.Op == And {
			return &LogicalExpr{Op: And, Left: scopeEmails(f.Left), Right: scopeEmails(f.Right)}
		}
	case *AttrExpr:
		if f.Path.Name == valueSubAttr && f.Path.Sub == "" {
			return &AttrExpr{Path: AttrPath{Name: "emails", Sub: valueSubAttr}, Op: f.Op, Value: f.Value}
		}
	}
	return &NotExpr{Filter: f} // not indexable
}

// lookupEq answers "attr eq string" from an index.
func (c *collection) lookupEq(f *AttrExpr) ([]*entry, bool) {
	s, ok := f.Value.(string)
	if !ok || f.Op != OpEq || f.Path.URI != "" {
		return nil, false
	}
	one := func(e *entry) []*entry {
		if e == nil {
			return nil
		}
		return []*entry{e}
	}
	switch {
	case f.Path.Name == idAttr && f.Path.Sub == "":
		return one(c.byID[s]), true
	case f.Path.Name == userNameAttr && f.Path.Sub == "" && c.typ == UserType:
		return one(c.byUserName[foldKey(s)]), true
	case f.Path.Name == externalIDAttr && f.Path.Sub == "":
		return c.idx[idxExternalID][s], true
	case f.Path.Name == "emails" && f.Path.Sub == valueSubAttr && c.typ == UserType:
		return c.idx[idxEmail][foldKey(s)], true
	case f.Path.Name == displayNameAttr && f.Path.Sub == "" && c.typ == GroupType:
		return c.idx[idxDisplayName][foldKey(s)], true
	}
	return nil, false
}
