package scim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Resource types served by the handler.
const (
	// UserType is the resource type of /Users.
	UserType = "User"
	// GroupType is the resource type of /Groups.
	GroupType = "Group"
)

// Resource is one stored SCIM resource of one tenant. Attrs holds the
// attributes in canonical spelling (core and common attributes at the top
// level, extension attributes in an object under the extension URI); it
// never holds id, meta, schemas or a password. Users provisioned here are
// SSO-only: there is no password to store.
type Resource struct {
	Type         string // UserType or GroupType
	ID           string
	Created      time.Time
	LastModified time.Time
	Version      int64 // incremented by the store on every write
	Attrs        map[string]any

	// flat, when set, lists the top-level members of Attrs in one slice;
	// the memory store keeps it so that scans read contiguous memory
	// instead of a hash map per resource. It is never set on a Resource a
	// caller can modify.
	flat []attrKV
}

// attrKV is one attribute in a flat view; elems flattens the elements of a
// multi-valued complex attribute.
type attrKV struct {
	name  string
	value any
	elems [][]attrKV
}

// attr returns the top-level attribute name, through the flat view when
// there is one.
func (r *Resource) attr(name string) any {
	if r.flat == nil {
		return r.Attrs[name]
	}
	for i := range r.flat {
		if r.flat[i].name == name {
			return r.flat[i].value
		}
	}
	return nil
}

// withFlatView returns a private deep copy of r that carries a flat view.
func (r *Resource) withFlatView() Resource {
	c := r.Clone()
	c.flat = make([]attrKV, 0, len(c.Attrs))
	for k, v := range c.Attrs {
		kv := attrKV{name: k, value: v}
		if list, ok := v.([]any); ok {
			kv.elems = flattenElements(list)
		}
		c.flat = append(c.flat, kv)
	}
	return *c
}

// flattenElements builds the flat view of a list of objects; it returns
// nil when an element is not an object.
func flattenElements(list []any) [][]attrKV {
	out := make([][]attrKV, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil
		}
		f := make([]attrKV, 0, len(m))
		for k, v := range m {
			f = append(f, attrKV{name: k, value: v})
		}
		out = append(out, f)
	}
	return out
}

// flatElems returns the flat elements of a top-level multi-valued
// attribute when the flat view has them.
func (r *Resource) flatElems(container, name string) ([][]attrKV, bool) {
	if r.flat == nil || container != "" {
		return nil, false
	}
	for i := range r.flat {
		if r.flat[i].name == name {
			return r.flat[i].elems, r.flat[i].elems != nil
		}
	}
	return nil, true // absent: no elements
}

// Clone returns a deep copy of r.
func (r *Resource) Clone() *Resource {
	c := *r
	c.Attrs = cloneValue(r.Attrs).(map[string]any)
	c.flat = nil // a copy may be changed: it must not keep a stale view
	return &c
}

// cloneValue deep-copies a JSON value.
func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = cloneValue(x)
		}
		return s
	}
	return v
}

// ETag returns the weak entity tag of the resource's version.
func (r *Resource) ETag() string { return `W/"` + strconv.FormatInt(r.Version, 10) + `"` }

// str returns the string attribute name, or "".
func (r *Resource) str(name string) string {
	s, _ := r.Attrs[name].(string)
	return s
}

// UserName returns the userName of a User.
func (r *Resource) UserName() string { return r.str(userNameAttr) }

// DisplayName returns the displayName attribute.
func (r *Resource) DisplayName() string { return r.str(displayNameAttr) }

// ExternalID returns the externalId set by the provisioning client.
func (r *Resource) ExternalID() string { return r.str(externalIDAttr) }

// Active reports whether a User is active. A user whose active attribute is
// false has been deprovisioned and must not log in.
func (r *Resource) Active() bool {
	b, ok := r.Attrs[activeAttr].(bool)
	return !ok || b
}

// Emails returns the email addresses of a User, primary first.
func (r *Resource) Emails() []string { return r.subValues("emails", valueSubAttr) }

// MemberIDs returns the ids of a Group's members.
func (r *Resource) MemberIDs() []string { return r.subValues(membersAttr, valueSubAttr) }

// subValues returns one string sub-attribute of every element of a
// multi-valued attribute, primary element first.
func (r *Resource) subValues(name, sub string) []string {
	list, _ := r.Attrs[name].([]any)
	var out []string
	for _, el := range list {
		m, _ := el.(map[string]any)
		s, ok := m[sub].(string)
		if !ok || s == "" {
			continue
		}
		if p, _ := m[primarySubAttr].(bool); p {
			out = append([]string{s}, out...)
		} else {
			out = append(out, s)
		}
	}
	return out
}

// normalizeObject converts a client JSON object into canonical attributes.
// Unknown attributes, read-only attributes and the password are dropped;
// values are coerced to the schema types ("False" becomes false).
func (rs *resourceSchema) normalizeObject(in map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if ext := rs.extension(k); ext != nil {
			obj, ok := v.(map[string]any)
			if !ok {
				if v == nil {
					continue
				}
				return nil, invalidValue("%s must be an object", ext.ID)
			}
			m, err := normalizeAttrs(ext.Attributes, obj)
			if err != nil {
				return nil, err
			}
			out[ext.ID] = m
			continue
		}
		if err := rs.normalizeKey(out, k, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// normalizeKey stores one top-level key of a client object into out.
func (rs *resourceSchema) normalizeKey(out map[string]any, k string, v any) error {
	uri, name := "", k
	if strings.HasPrefix(strings.ToLower(k), "urn:") {
		if i := strings.LastIndexByte(k, ':'); i > 0 {
			uri, name = k[:i], k[i+1:]
		}
	}
	container, a, ok := rs.lookup(uri, name)
	if !ok || skipOnWrite(a) {
		return nil
	}
	cv, err := coerce(a, v)
	if err != nil || cv == nil {
		return err
	}
	if container == "" {
		out[a.Name] = cv
		return nil
	}
	ext, _ := out[container].(map[string]any)
	if ext == nil {
		ext = map[string]any{}
		out[container] = ext
	}
	ext[a.Name] = cv
	return nil
}

// skipOnWrite reports whether client values for a are ignored: read-only
// attributes are server-owned and a password is never stored.
func skipOnWrite(a *Attribute) bool {
	return a.Mutability == mutabilityReadOnly || a.Mutability == mutabilityWriteOnly
}

// normalizeAttrs canonicalises an object against a list of attributes.
func normalizeAttrs(attrs []*Attribute, in map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for k, v := range in {
		a := findAttr(attrs, k)
		if a == nil || skipOnWrite(a) {
			continue
		}
		cv, err := coerce(a, v)
		if err != nil {
			return nil, err
		}
		if cv != nil {
			out[a.Name] = cv
		}
	}
	return out, nil
}

// coerce converts a client value to the type of attribute a. A nil result
// means "unassigned".
func coerce(a *Attribute, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if !a.MultiValued {
		return coerceSingle(a, v)
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v} // a single value for a multi-valued attribute
	}
	if len(list) > maxMultiValuedElements {
		return nil, errorf(400, TypeTooMany, ErrTooLarge, "%s has too many values", a.Name)
	}
	out := make([]any, 0, len(list))
	for _, el := range list {
		cv, err := coerceSingle(a, el)
		if err != nil {
			return nil, err
		}
		if cv != nil {
			out = append(out, cv)
		}
	}
	fixPrimary(out)
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// coerceSingle converts one value (or one element) to a's type.
func coerceSingle(a *Attribute, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch a.Type {
	case typeComplex:
		m, ok := v.(map[string]any)
		if s, isStr := v.(string); isStr && a.sub(valueSubAttr) != nil {
			m, ok = map[string]any{valueSubAttr: s}, true // Entra sends manager as an id
		}
		if !ok {
			return nil, invalidValue("%s must be an object", a.Name)
		}
		out, err := normalizeAttrs(a.SubAttributes, m)
		if err != nil || len(out) == 0 {
			return nil, err
		}
		return out, nil
	case typeBoolean:
		return coerceBool(a, v)
	case typeInteger, typeDecimal:
		if f, ok := v.(float64); ok {
			return f, nil
		}
		return nil, invalidValue("%s must be a number", a.Name)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return nil, invalidValue("%s must be a string", a.Name)
}

// coerceBool accepts JSON booleans and the strings "true"/"false" in any
// case, as Entra ID sends them ("False").
func coerceBool(a *Attribute, v any) (any, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return nil, invalidValue("%s must be a boolean", a.Name)
}

// fixPrimary keeps at most one element marked primary: the last one wins.
func fixPrimary(list []any) {
	seen := false
	for i := len(list) - 1; i >= 0; i-- {
		m, ok := list[i].(map[string]any)
		if !ok {
			continue
		}
		if p, _ := m[primarySubAttr].(bool); p {
			if seen {
				m[primarySubAttr] = false
			}
			seen = true
		}
	}
}

// validate checks required attributes after a write.
func (rs *resourceSchema) validate(attrs map[string]any) error {
	for _, a := range rs.core.Attributes {
		if !a.Required {
			continue
		}
		s, ok := attrs[a.Name].(string)
		if !ok || strings.TrimSpace(s) == "" {
			return invalidValue("%s is required", a.Name)
		}
		if len(s) > 1024 {
			return invalidValue("%s is too long", a.Name)
		}
	}
	return nil
}

// describe names a resource for error messages.
func describe(typ, id string) string { return fmt.Sprintf("%s %q", typ, id) }
