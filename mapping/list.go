package mapping

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// MaxListed is the most entries [Claims.List] returns.
const MaxListed = 1000

// Entry is one claim as listed by [Claims.List]: the path that reads it,
// with an explicit document selector and in the syntax [Rules] accepts,
// and its value as JSON.
type Entry struct {
	Path string
	JSON string
}

// List returns every claim of every document, one entry per leaf value
// (nested objects are walked, lists are kept whole), sorted by path. It
// is meant for an administrator's "what did the identity provider send"
// page: each Path can be copied into [Rules] as it is. Claims that no
// path can name (an empty key at the start or end of the path) are left
// out. At most
// [MaxListed] entries are returned, taken in a fixed order (ID token,
// access token, userinfo, SAML, each by key) so the cut is the same on
// every call; objects nested deeper than [MaxPathSegments] are shown as
// JSON.
func (c Claims) List() []Entry {
	var out []Entry
	for _, d := range [...]struct {
		doc Document
		m   map[string]any
	}{{DocIDToken, c.IDToken}, {DocAccessToken, c.AccessToken}, {DocUserInfo, c.UserInfo}} {
		listJSON(&out, d.doc, nil, d.m)
	}
	for _, name := range slices.Sorted(maps.Keys(c.SAML)) {
		if len(out) == MaxListed {
			break
		}
		add(&out, samlPath(name), c.SAML[name])
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return out
}

func listJSON(out *[]Entry, doc Document, prefix []string, m map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if len(*out) == MaxListed {
			return
		}
		v := m[k]
		segs := append(prefix[:len(prefix):len(prefix)], k)
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 && len(segs) < MaxPathSegments {
			listJSON(out, doc, segs, sub)
			continue
		}
		add(out, newPath(doc, segs), v)
	}
}

// add lists v under p unless p's text does not parse back: a claim with
// an empty key at the start or end of its path cannot be named in rules.
func add(out *[]Entry, p Path, v any) {
	if _, err := ParsePath(p.text); err == nil {
		*out = append(*out, Entry{Path: p.text, JSON: toJSON(v)})
	}
}

// samlPath is the path of a SAML attribute: its name split at "/", or
// one escaped segment when splitting would give a path that does not
// parse (a leading or trailing "/", too many segments).
func samlPath(name string) Path {
	segs := strings.Split(name, "/")
	if name == "" || name[0] == '/' || name[len(name)-1] == '/' || len(segs) > MaxPathSegments {
		segs = []string{name}
	}
	return newPath(DocSAML, segs)
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "(not JSON: " + describe(v) + ")"
	}
	return string(b)
}
