package scim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// SearchRequestSchema is the schema of a POST .search body.
const SearchRequestSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

// searchRequest is the body of POST /Users/.search (RFC 7644 3.4.3), which
// keeps filters out of URLs and logs.
type searchRequest struct {
	Schemas            []string `json:"schemas"`
	Attributes         []string `json:"attributes"`
	ExcludedAttributes []string `json:"excludedAttributes"`
	Filter             string   `json:"filter"`
	SortBy             string   `json:"sortBy"`
	SortOrder          string   `json:"sortOrder"`
	StartIndex         *int     `json:"startIndex"`
	Count              *int     `json:"count"`
}

// search serves POST /Users/.search and POST /Groups/.search.
func (h *Handler) search(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema) {
	body, err := h.readBody(w, r)
	var sr searchRequest
	if err == nil && json.Unmarshal(body, &sr) != nil {
		err = errorf(http.StatusBadRequest, TypeInvalidSyntax, ErrInvalidSyntax, "body is not a SearchRequest")
	}
	if err == nil && !slices.ContainsFunc(sr.Schemas, func(s string) bool { return strings.EqualFold(s, SearchRequestSchema) }) {
		err = errorf(http.StatusBadRequest, TypeInvalidSyntax, ErrInvalidSyntax, "schemas must contain %s", SearchRequestSchema)
	}
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	h.listWith(w, r, tenant, rs, sr.values())
}

// values converts a search request into list parameters.
func (sr *searchRequest) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("filter", sr.Filter)
	set("sortBy", sr.SortBy)
	set("sortOrder", sr.SortOrder)
	set("attributes", strings.Join(sr.Attributes, ","))
	set("excludedAttributes", strings.Join(sr.ExcludedAttributes, ","))
	if sr.StartIndex != nil {
		v.Set("startIndex", strconv.Itoa(*sr.StartIndex))
	}
	if sr.Count != nil {
		v.Set("count", strconv.Itoa(*sr.Count))
	}
	return v
}
