package scim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// listResponse is the RFC 7644 ListResponse.
type listResponse struct {
	Schemas      []string         `json:"schemas"`
	TotalResults int              `json:"totalResults"`
	StartIndex   int              `json:"startIndex"`
	ItemsPerPage int              `json:"itemsPerPage"`
	Resources    []map[string]any `json:"Resources"`
}

// list serves GET /Users and GET /Groups with filter, sort and paging.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema) {
	h.listWith(w, r, tenant, rs, queryParams(r))
}

// listParams are the query parameters of lists and projections.
var listParams = []string{"filter", "sortBy", "sortOrder", "startIndex", "count", "attributes", "excludedAttributes"}

// queryParams returns the request's query with the SCIM parameter names in
// their RFC spelling whatever case the client used ("StartIndex" works).
func queryParams(r *http.Request) url.Values {
	in := r.URL.Query()
	out := make(url.Values, len(in))
	for k, v := range in {
		for _, p := range listParams {
			if strings.EqualFold(k, p) {
				k = p
				break
			}
		}
		out[k] = append(out[k], v...)
	}
	return out
}

// listWith serves a list from query parameters or a search request.
func (h *Handler) listWith(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, params url.Values) {
	q, err := h.parseQuery(params, rs)
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	page, err := h.cfg.Store.List(r.Context(), tenant, rs.name, q)
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	proj := h.projection(params, rs)
	out := listResponse{Schemas: []string{ListResponseSchema}, TotalResults: page.TotalResults,
		StartIndex: q.StartIndex, ItemsPerPage: len(page.Resources), Resources: []map[string]any{}}
	for _, res := range page.Resources {
		out.Resources = append(out.Resources, proj.apply(h.render(rs, res)))
	}
	h.writeJSON(w, http.StatusOK, out)
}

// parseQuery reads filter, sortBy, sortOrder, startIndex and count.
func (h *Handler) parseQuery(v url.Values, rs *resourceSchema) (Query, error) {
	q := Query{StartIndex: 1, Count: h.cfg.DefaultPageSize}
	var err error
	if s := v.Get("filter"); s != "" {
		if q.Filter, err = ParseFilter(s); err != nil {
			return q, err
		}
		if q.Filter, err = Canonicalize(q.Filter, rs.name); err != nil {
			return q, err
		}
	}
	if s := v.Get("sortBy"); s != "" {
		if q.SortBy, err = h.sortPath(s, rs); err != nil {
			return q, err
		}
	}
	if strings.EqualFold(v.Get("sortOrder"), "descending") {
		q.SortOrder = Descending
	}
	if q.StartIndex, err = intParam(v, "startIndex", 1); err != nil {
		return q, err
	}
	q.StartIndex = max(q.StartIndex, 1)
	if q.Count, err = intParam(v, "count", h.cfg.DefaultPageSize); err != nil {
		return q, err
	}
	q.Count = min(max(q.Count, 0), h.cfg.MaxPageSize)
	return q, nil
}

// sortPath parses and resolves a sortBy attribute.
func (h *Handler) sortPath(s string, rs *resourceSchema) (*AttrPath, error) {
	p, err := splitAttrPath(s, func(msg string) error { return invalidValue("sortBy: %s", msg) })
	if err != nil {
		return nil, err
	}
	ac, _, err := (&compiler{rs: rs}).resolve(p, nil)
	if err != nil {
		return nil, invalidValue("sortBy: unknown attribute %q", s)
	}
	cp := ac.path()
	return &cp, nil
}

// intParam reads an integer query parameter.
func intParam(v url.Values, name string, def int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, invalidValue("%s must be an integer", name)
	}
	return n, nil
}

// writeResource writes one resource with its ETag.
func (h *Handler) writeResource(w http.ResponseWriter, r *http.Request, status int, rs *resourceSchema, res *Resource) {
	w.Header().Set("ETag", res.ETag())
	h.writeJSON(w, status, h.projection(queryParams(r), rs).apply(h.render(rs, res)))
}

// render builds the JSON representation of a resource.
func (h *Handler) render(rs *resourceSchema, res *Resource) map[string]any {
	out := make(map[string]any, len(res.Attrs)+3)
	for k, v := range res.Attrs {
		out[k] = v
	}
	out[idAttr] = res.ID
	out[schemasAttr] = rs.schemaURIs(res.Attrs)
	out[metaAttr] = map[string]any{
		"resourceType": rs.name,
		"created":      res.Created.UTC().Format(time.RFC3339Nano),
		"lastModified": res.LastModified.UTC().Format(time.RFC3339Nano),
		"location":     h.location(rs, res.ID),
		"version":      res.ETag(),
	}
	return out
}

// projection is the attributes / excludedAttributes selection.
type projection struct {
	include, exclude []AttrPath
}

// projection parses the attributes and excludedAttributes parameters;
// unknown names are ignored.
func (h *Handler) projection(v url.Values, rs *resourceSchema) projection {
	return projection{include: attrList(v.Get("attributes"), rs), exclude: attrList(v.Get("excludedAttributes"), rs)}
}

// attrList resolves a comma-separated attribute list.
func attrList(s string, rs *resourceSchema) []AttrPath {
	var out []AttrPath
	c := &compiler{rs: rs}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := splitAttrPath(part, func(string) error { return ErrInvalidPath })
		if err != nil {
			continue
		}
		if p.Name == "" && rs.extension(p.URI) != nil {
			out = append(out, AttrPath{URI: rs.extension(p.URI).ID}) // a whole extension
			continue
		}
		if ac, _, err := c.resolve(p, nil); err == nil {
			cp := ac.path()
			if p.Sub == "" {
				cp.Sub = "" // resolve picks "value" for multi-valued attributes
			}
			out = append(out, cp)
		}
	}
	return out
}

// apply filters a rendered resource. id and schemas are always returned.
func (p projection) apply(out map[string]any) map[string]any {
	if len(p.include) > 0 {
		kept := map[string]any{idAttr: out[idAttr], schemasAttr: out[schemasAttr]}
		for _, ap := range p.include {
			copyPath(kept, out, ap)
		}
		out = kept
	}
	for _, ap := range p.exclude {
		if ap.Name != idAttr {
			deletePath(out, ap)
		}
	}
	return out
}

// holder returns the object holding a path's attribute.
func holder(obj map[string]any, ap AttrPath) map[string]any {
	if ap.URI == "" {
		return obj
	}
	m, _ := obj[ap.URI].(map[string]any)
	return m
}

// copyPath copies one attribute (or sub-attribute) from src into dst.
func copyPath(dst, src map[string]any, ap AttrPath) {
	if ap.Name == "" {
		if v, ok := src[ap.URI]; ok {
			dst[ap.URI] = v
		}
		return
	}
	from := holder(src, ap)
	v, ok := from[ap.Name]
	if !ok {
		return
	}
	to := dst
	if ap.URI != "" {
		if to, _ = dst[ap.URI].(map[string]any); to == nil {
			to = map[string]any{}
			dst[ap.URI] = to
		}
	}
	if ap.Sub == "" {
		to[ap.Name] = v
		return
	}
	if m, ok := v.(map[string]any); ok {
		sub, _ := to[ap.Name].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
			to[ap.Name] = sub
		}
		if sv, ok := m[ap.Sub]; ok {
			sub[ap.Sub] = sv
		}
		return
	}
	to[ap.Name] = v // multi-valued: keep whole elements
}

// deletePath removes one attribute or sub-attribute from a rendered
// resource without touching shared stored maps.
func deletePath(obj map[string]any, ap AttrPath) {
	if ap.Name == "" {
		delete(obj, ap.URI)
		return
	}
	from := holder(obj, ap)
	if from == nil {
		return
	}
	if ap.URI != "" {
		cp := make(map[string]any, len(from))
		for k, v := range from {
			cp[k] = v
		}
		obj[ap.URI], from = cp, cp
	}
	if ap.Sub == "" {
		delete(from, ap.Name)
		return
	}
	if m, ok := from[ap.Name].(map[string]any); ok {
		cp := make(map[string]any, len(m))
		for k, v := range m {
			if k != ap.Sub {
				cp[k] = v
			}
		}
		from[ap.Name] = cp
	}
}
