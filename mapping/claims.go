package mapping

import (
	"encoding/json"
	"strconv"
)

// MaxValues is the most values one claim may carry (group ids, comma
// separated spaces). A claim with more is rejected with [ErrTooManyValues]
// before any matching work.
const MaxValues = 4096

// Claims holds the documents an identity provider sent for one login.
// The JSON documents are the decoded JSON objects (as encoding/json
// produces them); a nil document is simply absent. SAML attributes are
// multi-valued strings keyed by attribute name. Claims is read, never
// modified.
type Claims struct {
	// IDToken holds the ID token's claims, or a partner-signed JWT's.
	IDToken map[string]any
	// AccessToken holds a JWT access token's claims. Only paths with the
	// access_token selector read it.
	AccessToken map[string]any
	// UserInfo holds the userinfo endpoint's response.
	UserInfo map[string]any
	// SAML holds a SAML assertion's attributes.
	SAML map[string][]string
}

// values is a read-only view of a claim's string values that does not
// allocate: a single string, a []string (SAML) or a []any of strings (JSON).
type values struct {
	one  string
	strs []string
	anys []any
	n    int
}

func (v values) len() int { return v.n }

func (v values) at(i int) string {
	switch {
	case v.strs != nil:
		return v.strs[i]
	case v.anys != nil:
		return v.anys[i].(string) // checked by toValues
	}
	return v.one
}

// find resolves p and returns its values. found is false when the claim is
// absent or null in every document p reads.
func (c *Claims) find(p Path) (v values, found bool, err error) {
	if p.IsZero() {
		return values{}, false, nil
	}
	switch p.doc {
	case DocIDToken:
		return findJSON(c.IDToken, p)
	case DocAccessToken:
		return findJSON(c.AccessToken, p)
	case DocUserInfo:
		return findJSON(c.UserInfo, p)
	case DocSAML:
		return findSAML(c.SAML, p)
	}
	for _, doc := range [...]map[string]any{c.IDToken, c.UserInfo} {
		if v, found, err := findJSON(doc, p); found || err != nil {
			return v, found, err
		}
	}
	return findSAML(c.SAML, p)
}

func findJSON(doc map[string]any, p Path) (values, bool, error) {
	var cur any = doc
	for i, seg := range p.segs {
		m, ok := cur.(map[string]any)
		if !ok {
			return values{}, false, &ClaimError{Path: p.text, Got: describe(cur), Want: "an object at segment " + strconv.Itoa(i+1), Err: ErrClaimType}
		}
		if cur = m[seg]; cur == nil {
			return values{}, false, nil
		}
	}
	v, err := toValues(cur, p)
	return v, err == nil, err
}

func findSAML(attrs map[string][]string, p Path) (values, bool, error) {
	vs := attrs[p.flat]
	if len(vs) == 0 {
		return values{}, false, nil
	}
	if len(vs) > MaxValues {
		return values{}, false, tooMany(p, len(vs))
	}
	return values{strs: vs, n: len(vs)}, true, nil
}

func toValues(x any, p Path) (values, error) {
	switch x := x.(type) {
	case string:
		return values{one: x, n: 1}, nil
	case []string:
		if len(x) > MaxValues {
			return values{}, tooMany(p, len(x))
		}
		return values{strs: x, n: len(x)}, nil
	case []any:
		if len(x) > MaxValues {
			return values{}, tooMany(p, len(x))
		}
		for _, e := range x {
			if _, ok := e.(string); !ok {
				return values{}, &ClaimError{Path: p.text, Got: "a list holding " + describe(e), Want: "a string or a list of strings", Err: ErrClaimType}
			}
		}
		return values{anys: x, n: len(x)}, nil
	}
	return values{}, &ClaimError{Path: p.text, Got: describe(x), Want: "a string or a list of strings", Err: ErrClaimType}
}

func tooMany(p Path, n int) error {
	return &ClaimError{Path: p.text, Got: strconv.Itoa(n) + " values, more than " + strconv.Itoa(MaxValues), Err: ErrTooManyValues}
}

// describe names a JSON value's type for error messages.
func describe(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, float32, int, int64, int32, uint, uint64, uint32, json.Number:
		return "a number"
	case map[string]any:
		return "an object"
	case []any, []string:
		return "a list"
	}
	return "an unsupported value"
}

// String returns the single string value of the claim at p. A missing or
// null claim gives [ErrMissingClaim]; a non-string, or a list of other
// than exactly one string, gives [ErrClaimType].
func (c Claims) String(p Path) (string, error) {
	v, err := c.one(p)
	return v, err
}

func (c *Claims) one(p Path) (string, error) {
	v, found, err := c.find(p)
	if err != nil {
		return "", err
	}
	if !found || v.len() == 0 {
		return "", &ClaimError{Path: p.text, Err: ErrMissingClaim}
	}
	if v.len() > 1 {
		return "", &ClaimError{Path: p.text, Got: strconv.Itoa(v.len()) + " values", Want: "one string", Err: ErrClaimType}
	}
	return v.at(0), nil
}

// Strings returns the string values of the claim at p: a single string
// gives a list of one. A missing or null claim gives [ErrMissingClaim]; a
// value that is not a string or list of strings gives [ErrClaimType].
// The returned slice is a fresh copy.
func (c Claims) Strings(p Path) ([]string, error) {
	v, found, err := c.find(p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &ClaimError{Path: p.text, Err: ErrMissingClaim}
	}
	out := make([]string, v.len())
	for i := range out {
		out[i] = v.at(i)
	}
	return out, nil
}
