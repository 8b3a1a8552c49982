package policy

import (
	"bytes"
	"encoding/json"
	"sort"
)

// maxDryRunClaims bounds the claims a dry run lists per document.
const maxDryRunClaims = 10_000

// Report is the outcome of [Policy.DryRun]: what an administrator sees
// after pressing "Run" on the configuration page.
type Report struct {
	// Claims lists every claim of every document, nested objects
	// flattened, sorted by document (IDTOKEN, ACCESSTOKEN, USERINFO, SAML)
	// then by reference.
	Claims []Claim
	// Result is the evaluation of the policy on the same documents.
	Result Result
	// Truncated is true when a document had more than 10,000 claims and
	// the rest were left out.
	Truncated bool
}

// Claim is one flattened claim.
type Claim struct {
	// Document is IDTOKEN, ACCESSTOKEN, USERINFO or SAML.
	Document string
	// Ref is the claim as an expression would reference it, for example
	// IDTOKEN.address.country or SAML['urn:oid:0.9.2342.19200300.100.1.3'].
	Ref string
	// Value is the value as compact JSON; a list stays one value, since
	// "=" against a list means "contains".
	Value string
}

// DryRun evaluates the policy and lists every claim of the documents, for
// an administrator's troubleshooting page. It shows claim values, so only
// the tenant's administrators may see it.
func (p *Policy) DryRun(docs Documents) Report {
	r := Report{Result: p.Evaluate(docs)}
	for _, d := range []struct {
		name string
		m    map[string]any
	}{{"IDTOKEN", docs.IDToken}, {"ACCESSTOKEN", docs.AccessToken}, {"USERINFO", docs.UserInfo}, {"SAML", samlAsAny(docs.SAML)}} {
		claims := flatten(d.name, nil, d.m, 0, nil)
		if len(claims) > maxDryRunClaims {
			claims, r.Truncated = claims[:maxDryRunClaims], true
		}
		sort.Slice(claims, func(i, j int) bool { return claims[i].Ref < claims[j].Ref })
		r.Claims = append(r.Claims, claims...)
	}
	return r
}

func samlAsAny(m map[string][]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// flatten lists the claims of m under the path prefix. Objects nested deeper
// than maxValDepth, and everything past maxDryRunClaims, are shown whole.
func flatten(doc string, prefix []string, m map[string]any, depth int, out []Claim) []Claim {
	for k, v := range m {
		path := append(append([]string(nil), prefix...), k)
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 && depth < maxValDepth && len(out) <= maxDryRunClaims {
			out = flatten(doc, path, sub, depth+1, out)
			continue
		}
		out = append(out, Claim{Document: doc, Ref: claimRef(doc, path), Value: jsonText(v)})
	}
	return out
}

// jsonText renders a claim value as compact JSON without HTML escaping.
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "(cannot be shown: " + err.Error() + ")"
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
