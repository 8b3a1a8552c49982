package scim

import (
	"errors"
	"net/http"
	"slices"
	"time"
)

// maxPatchRetries bounds optimistic-concurrency retries of a PATCH without
// If-Match.
const maxPatchRetries = 16

// create serves POST /Users and POST /Groups.
func (h *Handler) create(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema) {
	res, err := h.decodeNew(w, r, tenant, rs)
	if err == nil {
		err = h.cfg.Store.Create(r.Context(), tenant, res)
	}
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	w.Header().Set("Location", h.location(rs, res.ID))
	h.writeResource(w, r, http.StatusCreated, rs, res)
	h.notify(r, Change{Tenant: tenant, ResourceType: rs.name, ID: res.ID, Kind: Created, Resource: res})
}

// decodeNew builds a new resource from a POST body.
func (h *Handler) decodeNew(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema) (*Resource, error) {
	attrs, err := h.decodeAttrs(w, r, tenant, rs, nil)
	if err != nil {
		return nil, err
	}
	if _, ok := attrs[activeAttr]; !ok && rs.name == UserType {
		attrs[activeAttr] = true
	}
	id, err := h.newID()
	if err != nil {
		return nil, err
	}
	now := h.now()
	return &Resource{Type: rs.name, ID: id, Created: now, LastModified: now, Attrs: attrs}, nil
}

// decodeAttrs reads, normalises and validates a full resource body (POST
// or PUT). old is the stored resource for PUT.
func (h *Handler) decodeAttrs(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, old *Resource) (map[string]any, error) {
	obj, err := h.readObject(w, r)
	if err != nil {
		return nil, err
	}
	attrs, err := rs.normalizeObject(obj)
	if err != nil {
		return nil, err
	}
	if err := rs.validate(attrs); err != nil {
		return nil, err
	}
	return attrs, h.checkMembers(r, tenant, rs, old, attrs)
}

// now returns the current time in UTC.
func (h *Handler) now() time.Time { return h.cfg.Now().UTC() }

// checkMembers verifies that every member added to a group is a User or
// Group of the same tenant, so no group can point into another tenant.
func (h *Handler) checkMembers(r *http.Request, tenant string, rs *resourceSchema, old *Resource, attrs map[string]any) error {
	if rs.name != GroupType {
		return nil
	}
	var before []string
	if old != nil {
		before = old.MemberIDs()
	}
	after := (&Resource{Attrs: attrs}).MemberIDs()
	if list, _ := attrs[membersAttr].([]any); len(list) != len(after) {
		return invalidValue("every member needs a value")
	}
	for _, id := range after {
		if slices.Contains(before, id) {
			continue
		}
		if err := h.memberExists(r, tenant, id); err != nil {
			return err
		}
	}
	return nil
}

// memberExists checks one member id.
func (h *Handler) memberExists(r *http.Request, tenant, id string) error {
	for _, typ := range []string{UserType, GroupType} {
		_, err := h.cfg.Store.Get(r.Context(), tenant, typ, id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return invalidValue("member %q does not exist", id)
}

// get serves GET /Users/{id} and GET /Groups/{id}.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, id string) {
	res, err := h.cfg.Store.Get(r.Context(), tenant, rs.name, id)
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == res.ETag() {
		w.Header().Set("ETag", res.ETag())
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.writeResource(w, r, http.StatusOK, rs, res)
}

// load reads the stored resource and checks If-Match.
func (h *Handler) load(r *http.Request, tenant string, rs *resourceSchema, id string) (*Resource, error) {
	res, err := h.cfg.Store.Get(r.Context(), tenant, rs.name, id)
	if err != nil {
		return nil, err
	}
	if im := r.Header.Get("If-Match"); im != "" && im != "*" && im != res.ETag() {
		return nil, errorf(http.StatusPreconditionFailed, "", ErrVersionMismatch, "resource version does not match If-Match")
	}
	return res, nil
}

// put serves PUT: full replacement of the client-writable attributes.
func (h *Handler) put(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, id string) {
	old, err := h.load(r, tenant, rs, id)
	var attrs map[string]any
	if err == nil {
		attrs, err = h.decodeAttrs(w, r, tenant, rs, old)
	}
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	next := old.Clone()
	next.Attrs, next.LastModified = attrs, h.now()
	if err := h.cfg.Store.Replace(r.Context(), tenant, next, old.Version); err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	h.writeResource(w, r, http.StatusOK, rs, next)
	h.notifyUpdate(r, tenant, rs, old, next)
}

// patch serves PATCH. Without If-Match a concurrent write is retried.
func (h *Handler) patch(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, id string) {
	body, err := h.readBody(w, r)
	var ops []PatchOp
	if err == nil {
		ops, err = ParsePatch(body)
	}
	var old, next *Resource
	for try := 0; err == nil; try++ {
		old, next, err = h.patchOnce(r, tenant, rs, id, ops)
		if !errors.Is(err, ErrVersionMismatch) || r.Header.Get("If-Match") != "" || try >= maxPatchRetries {
			break
		}
		err = nil
	}
	if err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	h.notifyUpdate(r, tenant, rs, old, next)
	if rs.name == GroupType && queryParams(r).Get("attributes") == "" {
		w.Header().Set("ETag", next.ETag())
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.writeResource(w, r, http.StatusOK, rs, next)
}

// patchOnce reads, patches and conditionally writes a resource.
func (h *Handler) patchOnce(r *http.Request, tenant string, rs *resourceSchema, id string, ops []PatchOp) (old, next *Resource, err error) {
	if old, err = h.load(r, tenant, rs, id); err != nil {
		return nil, nil, err
	}
	next = old.Clone()
	if err := applyPatch(&compiler{rs: rs}, next, ops); err != nil {
		return nil, nil, err
	}
	if err := h.checkMembers(r, tenant, rs, old, next.Attrs); err != nil {
		return nil, nil, err
	}
	next.LastModified = h.now()
	return old, next, h.cfg.Store.Replace(r.Context(), tenant, next, old.Version)
}

// notifyUpdate reports an update, naming (de)activation of Users.
func (h *Handler) notifyUpdate(r *http.Request, tenant string, rs *resourceSchema, old, next *Resource) {
	kind := Updated
	if rs.name == UserType && old.Active() != next.Active() {
		kind = Deactivated
		if next.Active() {
			kind = Reactivated
		}
	}
	h.notify(r, Change{Tenant: tenant, ResourceType: rs.name, ID: next.ID, Kind: kind, Resource: next})
}

// delete serves DELETE: deprovisioning.
func (h *Handler) delete(w http.ResponseWriter, r *http.Request, tenant string, rs *resourceSchema, id string) {
	if r.Header.Get("If-Match") != "" {
		if _, err := h.load(r, tenant, rs, id); err != nil {
			h.writeError(w, r, toError(err))
			return
		}
	}
	if err := h.cfg.Store.Delete(r.Context(), tenant, rs.name, id); err != nil {
		h.writeError(w, r, toError(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
	h.notify(r, Change{Tenant: tenant, ResourceType: rs.name, ID: id, Kind: Deleted})
}
