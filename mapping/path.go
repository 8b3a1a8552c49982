package mapping

import (
	"strconv"
	"strings"
)

// Limits on claim paths, checked before any other work.
const (
	// MaxPathLen is the longest claim path accepted, in bytes.
	MaxPathLen = 1024
	// MaxPathSegments is the most segments a claim path may have.
	MaxPathSegments = 32
)

// Document selects which claims document a [Path] reads.
type Document uint8

// The claims documents a path can address. See [Claims].
const (
	// DocAny looks in the ID token, then userinfo, then SAML attributes,
	// and takes the first document where the path resolves. It never
	// reads the access token.
	DocAny Document = iota
	// DocIDToken is the OIDC ID token (or a partner-signed JWT).
	DocIDToken
	// DocAccessToken is a JWT access token's claims.
	DocAccessToken
	// DocUserInfo is the OIDC userinfo response.
	DocUserInfo
	// DocSAML is the SAML assertion's attributes.
	DocSAML
)

var docNames = [...]string{
	DocAny:         "",
	DocIDToken:     "id_token",
	DocAccessToken: "access_token",
	DocUserInfo:    "userinfo",
	DocSAML:        "saml",
}

// String returns the selector name of d ("id_token"), or "" for DocAny.
func (d Document) String() string {
	if int(d) < len(docNames) {
		return docNames[d]
	}
	return "document(" + strconv.Itoa(int(d)) + ")"
}

// Path addresses one claim inside a claims document. The zero Path is
// invalid; build one with [ParsePath] or [NewPath]. A Path is immutable
// and safe to share.
type Path struct {
	doc  Document
	segs []string
	flat string // segments joined with "/", the SAML attribute name
	text string // canonical form, as String returns it
}

// ParsePath parses the path syntax described in the package documentation:
//
//	[document ":"] segment *("/" segment)
//
// where document is one of id_token, access_token, userinfo or saml, and
// inside a segment "~1" stands for "/" and "~0" for "~". Dots, colons and
// any other characters are literal.
func ParsePath(s string) (Path, error) {
	if s == "" {
		return Path{}, &PathError{Path: s, Reason: "empty path"}
	}
	if len(s) > MaxPathLen {
		return Path{}, &PathError{Path: s, Offset: MaxPathLen, Reason: "longer than " + strconv.Itoa(MaxPathLen) + " bytes"}
	}
	doc, start := parseSelector(s)
	rest := s[start:]
	if rest == "" {
		return Path{}, &PathError{Path: s, Offset: start, Reason: "nothing after the document selector"}
	}
	if rest[0] == '/' {
		return Path{}, &PathError{Path: s, Offset: start, Reason: "starts with '/'"}
	}
	if rest[len(rest)-1] == '/' {
		return Path{}, &PathError{Path: s, Offset: len(s) - 1, Reason: "ends with '/'"}
	}
	if n := strings.Count(rest, "/") + 1; n > MaxPathSegments {
		return Path{}, &PathError{Path: s, Offset: start, Reason: "more than " + strconv.Itoa(MaxPathSegments) + " segments"}
	}
	segs := make([]string, 0, strings.Count(rest, "/")+1)
	off := start
	for seg := range strings.SplitSeq(rest, "/") {
		u, bad := unescape(seg)
		if bad >= 0 {
			return Path{}, &PathError{Path: s, Offset: off + bad, Reason: "'~' must be followed by '0' or '1'"}
		}
		segs = append(segs, u)
		off += len(seg) + 1
	}
	return newPath(doc, segs), nil
}

// NewPath builds a Path from a document and unescaped segments, for
// callers that configure paths in Go rather than in text.
func NewPath(doc Document, segments ...string) (Path, error) {
	if int(doc) >= len(docNames) {
		return Path{}, &PathError{Path: doc.String(), Reason: "unknown document"}
	}
	if len(segments) == 0 {
		return Path{}, &PathError{Reason: "no segments"}
	}
	if len(segments) > MaxPathSegments {
		return Path{}, &PathError{Reason: "more than " + strconv.Itoa(MaxPathSegments) + " segments"}
	}
	if doc == DocAny {
		if d, _ := parseSelector(segments[0]); d != DocAny {
			return Path{}, &PathError{Path: segments[0], Reason: "first segment reads as a document selector: select the document explicitly"}
		}
	}
	p := newPath(doc, append([]string(nil), segments...))
	if len(p.text) > MaxPathLen {
		return Path{}, &PathError{Path: p.text, Offset: MaxPathLen, Reason: "longer than " + strconv.Itoa(MaxPathLen) + " bytes"}
	}
	return p, nil
}

func newPath(doc Document, segs []string) Path {
	var b strings.Builder
	if doc != DocAny {
		b.WriteString(doc.String())
		b.WriteByte(':')
	}
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(escape(s))
	}
	return Path{doc: doc, segs: segs, flat: strings.Join(segs, "/"), text: b.String()}
}

// parseSelector returns the document named before the first ':' and the
// offset just after it, or DocAny and 0 when s has no known selector.
func parseSelector(s string) (Document, int) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return DocAny, 0
	}
	for d := DocIDToken; int(d) < len(docNames); d++ {
		if s[:i] == docNames[d] {
			return d, i + 1
		}
	}
	return DocAny, 0
}

// unescape decodes "~0" and "~1" in seg. It returns the offset of a bad
// escape, or -1.
func unescape(seg string) (string, int) {
	i := strings.IndexByte(seg, '~')
	if i < 0 {
		return seg, -1
	}
	var b strings.Builder
	b.Grow(len(seg))
	b.WriteString(seg[:i])
	for ; i < len(seg); i++ {
		c := seg[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(seg) || (seg[i+1] != '0' && seg[i+1] != '1') {
			return "", i
		}
		b.WriteByte("~/"[seg[i+1]-'0'])
		i++
	}
	return b.String(), -1
}

func escape(seg string) string {
	if !strings.ContainsAny(seg, "~/") {
		return seg
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(seg)
}

// String returns the path in canonical text form; ParsePath(p.String())
// gives back an equal path.
func (p Path) String() string { return p.text }

// Document returns the document the path selects.
func (p Path) Document() Document { return p.doc }

// Segments returns a copy of the path's unescaped segments.
func (p Path) Segments() []string { return append([]string(nil), p.segs...) }

// IsZero reports whether p is the zero Path.
func (p Path) IsZero() bool { return len(p.segs) == 0 }

// Equal reports whether p and q address the same claim.
func (p Path) Equal(q Path) bool { return p.text == q.text }
