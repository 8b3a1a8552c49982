package scim

import (
	"reflect"
	"strings"
)

// patcher applies PATCH operations to the attributes of one resource.
type patcher struct {
	c     *compiler
	res   *Resource // res.Attrs is modified in place
	attrs map[string]any
}

// applyPatch applies ops to r (a private copy) in order. Any error leaves
// the caller to discard r.
func applyPatch(c *compiler, r *Resource, ops []PatchOp) error {
	p := &patcher{c: c, res: r, attrs: r.Attrs}
	for _, op := range ops {
		if err := p.apply(op); err != nil {
			return err
		}
	}
	return c.rs.validate(r.Attrs)
}

// apply runs one operation.
func (p *patcher) apply(op PatchOp) error {
	if op.Path != nil {
		return p.applyPath(op.Op, op.Path, op.Value, false)
	}
	obj, _ := op.Value.(map[string]any)
	for k, v := range obj {
		if err := p.applyKey(op.Op, k, v); err != nil {
			return err
		}
	}
	return nil
}

// applyKey applies one member of a path-less value. Keys may be attribute
// names, extension URIs holding objects, or paths ("name.givenName",
// "urn:...:User:department"), as Entra ID and Okta send them.
func (p *patcher) applyKey(op, k string, v any) error {
	if strings.EqualFold(k, schemasAttr) {
		return nil
	}
	if ext := p.c.rs.extension(k); ext != nil {
		obj, ok := v.(map[string]any)
		if !ok {
			return invalidValue("%s must be an object", ext.ID)
		}
		for sk, sv := range obj {
			pp := &PatchPath{Attr: AttrPath{URI: ext.ID, Name: sk}}
			if err := p.applyPath(op, pp, sv, true); err != nil {
				return err
			}
		}
		return nil
	}
	pp, err := ParsePath(k)
	if err != nil {
		return err
	}
	if _, _, known := p.c.rs.lookup(pp.Attr.URI, pp.Attr.Name); !known {
		return nil // unknown keys are ignored, as in POST and PUT bodies
	}
	return p.applyPath(op, pp, v, true)
}

// target is a resolved PATCH path.
type target struct {
	container string     // extension URI or ""
	attr      *Attribute // top-level attribute
	sub       *Attribute // sub-attribute or nil
	match     matchFn    // value filter or nil
	filter    Filter
}

// resolveTarget resolves a path against the schema. lenient (path-less
// values) skips read-only attributes instead of failing.
func (p *patcher) resolveTarget(pp *PatchPath) (*target, error) {
	container, a, ok := p.c.rs.lookup(pp.Attr.URI, pp.Attr.Name)
	if !ok {
		return nil, errorf(400, TypeInvalidPath, ErrInvalidPath, "unknown attribute %q", pp.String())
	}
	t := &target{container: container, attr: a, filter: pp.Filter}
	if pp.Attr.Sub != "" {
		if t.sub = a.sub(pp.Attr.Sub); t.sub == nil {
			return nil, errorf(400, TypeInvalidPath, ErrInvalidPath, "unknown attribute %q", pp.String())
		}
	}
	if pp.Filter != nil {
		if !a.MultiValued || a.Type != typeComplex {
			return nil, errorf(400, TypeInvalidPath, ErrInvalidPath, "%s does not take a value filter", a.Name)
		}
		cf, fn, err := p.c.compile(pp.Filter, a.SubAttributes, 0)
		if err != nil {
			return nil, errorf(400, TypeInvalidPath, ErrInvalidPath, "invalid value filter in %q", pp.String())
		}
		t.match, t.filter = fn, cf
	}
	return t, nil
}

// applyPath applies an operation to a path.
func (p *patcher) applyPath(op string, pp *PatchPath, v any, lenient bool) error {
	t, err := p.resolveTarget(pp)
	if err != nil {
		return err
	}
	if t.attr.Mutability == mutabilityWriteOnly {
		return nil // a password is never stored: users are SSO-only
	}
	if t.attr.Mutability == mutabilityReadOnly || t.sub != nil && t.sub.Mutability == mutabilityReadOnly {
		if lenient {
			return nil // Okta echoes "id" in path-less replace values
		}
		return errorf(400, TypeMutability, ErrMutability, "%s is read-only", pp.String())
	}
	obj := p.container(t.container)
	switch {
	case t.match != nil:
		return p.applyFiltered(op, t, obj, v)
	case t.sub != nil:
		return applySub(op, t, obj, v)
	case op == "remove":
		return removeAttr(t, obj, v)
	}
	return setAttr(op, t.attr, obj, v)
}

// container returns the object holding attributes of a container,
// creating an extension object on demand.
func (p *patcher) container(uri string) map[string]any {
	if uri == "" {
		return p.attrs
	}
	m, _ := p.attrs[uri].(map[string]any)
	if m == nil {
		m = map[string]any{}
		p.attrs[uri] = m
	}
	return m
}

// setAttr implements add and replace on a whole attribute.
func setAttr(op string, a *Attribute, obj map[string]any, v any) error {
	cv, err := coerce(a, v)
	if err != nil {
		return err
	}
	switch {
	case cv == nil && op == "add":
		return nil // adding nothing (an empty list) changes nothing
	case cv == nil:
		delete(obj, a.Name)
	case a.MultiValued && op == "add":
		old, _ := obj[a.Name].([]any)
		obj[a.Name] = appendUnique(a, old, cv.([]any))
	case a.Type == typeComplex && !a.MultiValued:
		old, _ := obj[a.Name].(map[string]any)
		obj[a.Name] = mergeMaps(old, cv.(map[string]any))
	default:
		obj[a.Name] = cv
	}
	return nil
}

// mergeMaps copies src over dst (a nil dst starts empty).
func mergeMaps(dst, src map[string]any) map[string]any {
	if dst == nil {
		dst = make(map[string]any, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// appendUnique appends values not already present. Members and other
// elements with a "value" are compared by value, others deeply.
func appendUnique(a *Attribute, old, add []any) []any {
	seen := make(map[any]bool, len(old))
	for _, el := range old {
		seen[elementKey(el)] = true
	}
	out := old
	for _, el := range add {
		k := elementKey(el)
		if k != nil && seen[k] {
			continue
		}
		if k == nil && containsDeep(out, el) {
			continue
		}
		seen[k] = true
		out = append(out, el)
	}
	fixPrimary(out)
	return out
}

// elementKey is the identity of a multi-valued element: its string value
// sub-attribute, or the element itself when it is a string; nil otherwise.
func elementKey(el any) any {
	switch el := el.(type) {
	case map[string]any:
		if s, ok := el[valueSubAttr].(string); ok {
			if t, ok := el["type"].(string); ok {
				return [2]string{s, strings.ToLower(t)}
			}
			return [2]string{s, ""}
		}
	case string:
		return [2]string{el, ""}
	}
	return nil
}

// containsDeep reports whether list holds an element deeply equal to el.
func containsDeep(list []any, el any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, el) {
			return true
		}
	}
	return false
}

// removeAttr implements remove on a whole attribute. For a multi-valued
// attribute with a value (Entra ID removes members this way) only the listed
// elements go.
func removeAttr(t *target, obj map[string]any, v any) error {
	if v == nil || !t.attr.MultiValued {
		delete(obj, t.attr.Name)
		return nil
	}
	cv, err := coerce(t.attr, v)
	if err != nil {
		return err
	}
	drop := map[string]bool{}
	for _, el := range cv.([]any) {
		if m, ok := el.(map[string]any); ok {
			if s, ok := m[valueSubAttr].(string); ok {
				drop[s] = true
			}
		}
	}
	old, _ := obj[t.attr.Name].([]any)
	kept := old[:0:0]
	for _, el := range old {
		m, _ := el.(map[string]any)
		if s, ok := m[valueSubAttr].(string); ok && drop[s] {
			continue
		}
		kept = append(kept, el)
	}
	setList(obj, t.attr.Name, kept)
	return nil
}

// setList stores a list, or deletes the attribute when it is empty.
func setList(obj map[string]any, name string, list []any) {
	if len(list) == 0 {
		delete(obj, name)
		return
	}
	obj[name] = list
}

// applySub implements operations on "attr.sub" without a filter: on a
// single complex attribute, or on every element of a multi-valued one.
func applySub(op string, t *target, obj map[string]any, v any) error {
	var cv any
	if op != "remove" {
		var err error
		if cv, err = coerceSingle(t.sub, v); err != nil {
			return err
		}
	}
	if t.attr.MultiValued {
		list, _ := obj[t.attr.Name].([]any)
		for _, el := range list {
			if m, ok := el.(map[string]any); ok {
				setOrDelete(m, t.sub.Name, cv)
			}
		}
		return nil
	}
	m, _ := obj[t.attr.Name].(map[string]any)
	if m == nil {
		if cv == nil {
			return nil
		}
		m = map[string]any{}
	}
	setOrDelete(m, t.sub.Name, cv)
	if len(m) == 0 {
		delete(obj, t.attr.Name)
	} else {
		obj[t.attr.Name] = m
	}
	return nil
}

// setOrDelete sets m[k], or deletes it for a nil value.
func setOrDelete(m map[string]any, k string, v any) {
	if v == nil {
		delete(m, k)
		return
	}
	m[k] = v
}
