package scim

import (
	"net/http"
	"strings"
)

// serveDiscovery serves a read-only discovery endpoint; build returns nil
// for an unknown id.
func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request, known bool, build func() any) {
	if r.Method != http.MethodGet {
		h.writeError(w, r, methodNotAllowed(r))
		return
	}
	var v any
	if known {
		v = build()
	}
	if v == nil {
		h.writeError(w, r, errorf(http.StatusNotFound, "", ErrNotFound, "no such endpoint"))
		return
	}
	h.writeJSON(w, http.StatusOK, v)
}

// supported is a {"supported": bool} feature object.
type supported struct {
	Supported bool `json:"supported"`
}

// serviceProviderConfig describes what this service provider supports.
func (h *Handler) serviceProviderConfig() any {
	return map[string]any{
		schemasAttr:      []string{ServiceProviderSchema},
		"patch":          supported{true},
		"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         map[string]any{"supported": true, "maxResults": h.cfg.MaxPageSize},
		"changePassword": supported{false},
		"sort":           supported{true},
		"etag":           supported{true},
		"authenticationSchemes": []map[string]any{{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
			"description": "A per-tenant bearer token, sent with or without the word Bearer.",
		}},
		metaAttr: map[string]any{"resourceType": "ServiceProviderConfig",
			"location": h.base + "/ServiceProviderConfig"},
	}
}

// resourceType renders one ResourceType resource.
func (h *Handler) resourceType(rs *resourceSchema) map[string]any {
	ext := []map[string]any{}
	for _, e := range rs.extensions {
		ext = append(ext, map[string]any{"schema": e.ID, "required": false})
	}
	return map[string]any{
		schemasAttr: []string{ResourceTypeSchema}, idAttr: rs.name, "name": rs.name,
		"endpoint": rs.endpoint, "description": rs.core.Description, "schema": rs.core.ID,
		"schemaExtensions": ext,
		metaAttr: map[string]any{"resourceType": "ResourceType",
			"location": h.base + "/ResourceTypes/" + rs.name},
	}
}

// resourceTypes serves /ResourceTypes and /ResourceTypes/{name}.
func (h *Handler) resourceTypes(id string) any {
	var items []map[string]any
	for _, rs := range []*resourceSchema{h.users, h.groups} {
		if id == "" {
			items = append(items, h.resourceType(rs))
		} else if strings.EqualFold(id, rs.name) {
			return h.resourceType(rs)
		}
	}
	if id != "" {
		return nil
	}
	return listOf(items)
}

// schemaResource renders one Schema resource.
func (h *Handler) schemaResource(s *Schema) map[string]any {
	return map[string]any{
		schemasAttr: []string{SchemaSchema}, idAttr: s.ID, "name": s.Name,
		"description": s.Description, "attributes": s.Attributes,
		metaAttr: map[string]any{"resourceType": "Schema", "location": h.base + "/Schemas/" + s.ID},
	}
}

// schemas serves /Schemas and /Schemas/{uri}.
func (h *Handler) schemas(id string) any {
	var items []map[string]any
	for _, s := range []*Schema{h.users.core, h.users.extensions[0], h.groups.core} {
		if id == "" {
			items = append(items, h.schemaResource(s))
		} else if strings.EqualFold(id, s.ID) {
			return h.schemaResource(s)
		}
	}
	if id != "" {
		return nil
	}
	return listOf(items)
}

// listOf wraps discovery items in a ListResponse.
func listOf(items []map[string]any) listResponse {
	return listResponse{Schemas: []string{ListResponseSchema}, TotalResults: len(items),
		StartIndex: 1, ItemsPerPage: len(items), Resources: items}
}
