package scim

// Matcher reports whether a resource satisfies a compiled filter. It only
// reads the resource and is safe for concurrent use.
type Matcher func(r *Resource) bool

// matchFn evaluates a node on a resource, or on one element of a
// multi-valued attribute inside a value path (el is nil at the top level).
type matchFn func(r *Resource, el elem) bool

// elem is one element of a multi-valued attribute: a map, or the flat view
// the memory store keeps of it.
type elem struct {
	m map[string]any
	f []attrKV
}

// get returns one sub-attribute of the element.
func (e elem) get(name string) any {
	if e.f == nil {
		return e.m[name]
	}
	for i := range e.f {
		if e.f[i].name == name {
			return e.f[i].value
		}
	}
	return nil
}

// NewMatcher compiles a filter for resources of the given type (UserType or
// GroupType). Attribute names are resolved ignoring case; comparisons follow
// each attribute's type and caseExact rule. A filter naming an unknown
// attribute or comparing incompatible types yields an error wrapping
// [ErrInvalidFilter].
func NewMatcher(f Filter, resourceType string) (Matcher, error) {
	c, err := newCompiler(resourceType)
	if err != nil {
		return nil, err
	}
	_, fn, err := c.compile(f, nil, 0)
	if err != nil {
		return nil, err
	}
	return func(r *Resource) bool { return fn(r, elem{}) }, nil
}

// Canonicalize returns a copy of f with every attribute path resolved to the
// schema's spelling (for example "USERNAME" becomes "userName" and core
// schema URIs are dropped), so that a store translating filters (to SQL, for
// example) sees one spelling. It fails like [NewMatcher].
func Canonicalize(f Filter, resourceType string) (Filter, error) {
	c, err := newCompiler(resourceType)
	if err != nil {
		return nil, err
	}
	cf, _, err := c.compile(f, nil, 0)
	return cf, err
}

// compiler turns filters into matchFns for one resource type.
type compiler struct{ rs *resourceSchema }

// newCompiler picks the schema of a resource type.
func newCompiler(resourceType string) (*compiler, error) {
	users, groups := builtinTypes()
	switch resourceType {
	case UserType:
		return &compiler{rs: users}, nil
	case GroupType:
		return &compiler{rs: groups}, nil
	}
	return nil, invalidValue("unknown resource type %q", resourceType)
}

// filterError builds an invalidFilter error.
func filterError(format string, args ...any) error {
	return errorf(400, TypeInvalidFilter, ErrInvalidFilter, format, args...)
}

// compile compiles f. scope is nil at the top level, or the sub-attributes
// of the multi-valued attribute inside a value path.
func (c *compiler) compile(f Filter, scope []*Attribute, depth int) (Filter, matchFn, error) {
	if depth > maxDepth*2 {
		return nil, nil, filterError("filter nested too deeply")
	}
	switch f := f.(type) {
	case *LogicalExpr:
		return c.compileLogical(f, scope, depth)
	case *NotExpr:
		cf, fn, err := c.compile(f.Filter, scope, depth+1)
		if err != nil {
			return nil, nil, err
		}
		return &NotExpr{Filter: cf}, func(r *Resource, el elem) bool { return !fn(r, el) }, nil
	case *ValuePathExpr:
		return c.compileValuePath(f, scope, depth)
	case *AttrExpr:
		return c.compileAttr(f, scope)
	}
	return nil, nil, filterError("empty filter")
}

// compileLogical compiles "and" and "or".
func (c *compiler) compileLogical(f *LogicalExpr, scope []*Attribute, depth int) (Filter, matchFn, error) {
	lf, l, err := c.compile(f.Left, scope, depth+1)
	if err != nil {
		return nil, nil, err
	}
	rf, r, err := c.compile(f.Right, scope, depth+1)
	if err != nil {
		return nil, nil, err
	}
	cf := &LogicalExpr{Op: f.Op, Left: lf, Right: rf}
	if f.Op == Or {
		return cf, func(res *Resource, el elem) bool { return l(res, el) || r(res, el) }, nil
	}
	return cf, func(res *Resource, el elem) bool { return l(res, el) && r(res, el) }, nil
}

// compileValuePath compiles "attr[filter]".
func (c *compiler) compileValuePath(f *ValuePathExpr, scope []*Attribute, depth int) (Filter, matchFn, error) {
	if scope != nil {
		return nil, nil, filterError("nested value filter")
	}
	container, a, ok := c.rs.lookup(f.Path.URI, f.Path.Name)
	if !ok || !a.MultiValued || a.Type != typeComplex || f.Path.Sub != "" {
		return nil, nil, filterError("%s is not a multi-valued complex attribute", f.Path.String())
	}
	ac := &accessor{container: container, name: a.Name}
	inner, fn, err := c.compile(f.Filter, a.SubAttributes, depth+1)
	if err != nil {
		return nil, nil, err
	}
	match := func(r *Resource, _ elem) bool {
		if elems, ok := r.flatElems(ac.container, ac.name); ok {
			for _, f := range elems {
				if fn(r, elem{f: f}) {
					return true
				}
			}
			return false
		}
		return ac.each(r, elem{}, func(v any) bool {
			m, ok := v.(map[string]any)
			return ok && fn(r, elem{m: m})
		})
	}
	return &ValuePathExpr{Path: ac.path(), Filter: inner}, match, nil
}

// compileAttr compiles "path op value" and "path pr".
func (c *compiler) compileAttr(f *AttrExpr, scope []*Attribute) (Filter, matchFn, error) {
	ac, a, err := c.resolve(f.Path, scope)
	if err != nil {
		return nil, nil, err
	}
	cf := &AttrExpr{Path: ac.path(), Op: f.Op, Value: f.Value}
	if f.Op == OpPr {
		return cf, func(r *Resource, el elem) bool { return ac.each(r, el, present) }, nil
	}
	if f.Value == nil {
		return c.compileNull(cf, ac)
	}
	cmp, err := comparator(a, f.Op, f.Value)
	if err != nil {
		return nil, nil, err
	}
	if fast := ac.direct(cmp, f.Op == OpNe); fast != nil {
		return cf, fast, nil
	}
	if f.Op == OpNe {
		return cf, func(r *Resource, el elem) bool { return !ac.each(r, el, cmp) }, nil
	}
	return cf, func(r *Resource, el elem) bool { return ac.each(r, el, cmp) }, nil
}

// compileNull compiles "eq null" (absent) and "ne null" (present).
func (c *compiler) compileNull(cf *AttrExpr, ac *accessor) (Filter, matchFn, error) {
	switch cf.Op {
	case OpEq:
		return cf, func(r *Resource, el elem) bool { return !ac.each(r, el, present) }, nil
	case OpNe:
		return cf, func(r *Resource, el elem) bool { return ac.each(r, el, present) }, nil
	}
	return nil, nil, filterError("operator %s cannot compare with null", cf.Op)
}

// present reports whether a value counts as present for "pr".
func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// resolve finds the attribute a path names, in scope or at the top level.
func (c *compiler) resolve(p AttrPath, scope []*Attribute) (*accessor, *Attribute, error) {
	if scope != nil {
		a := findAttr(scope, p.Name)
		if a == nil || p.Sub != "" || p.URI != "" {
			return nil, nil, filterError("unknown sub-attribute %q", p.String())
		}
		return &accessor{name: a.Name, scoped: true}, a, nil
	}
	container, a, ok := c.rs.lookup(p.URI, p.Name)
	if !ok || a.Mutability == mutabilityWriteOnly {
		return nil, nil, filterError("unknown attribute %q", p.String())
	}
	ac := &accessor{container: container, name: a.Name}
	leaf := a
	switch {
	case p.Sub != "":
		s := a.sub(p.Sub)
		if s == nil {
			return nil, nil, filterError("unknown attribute %q", p.String())
		}
		ac.sub, leaf = s.Name, s
	case a.Type == typeComplex && a.MultiValued:
		if s := a.sub(valueSubAttr); s != nil {
			ac.sub, leaf = s.Name, s
		}
	}
	return ac, leaf, nil
}

// accessor reads the values an attribute path designates.
type accessor struct {
	container string // extension URI or ""
	name      string
	sub       string
	scoped    bool // read from the value-path element instead
}

// path returns the canonical path the accessor reads.
func (ac *accessor) path() AttrPath { return AttrPath{URI: ac.container, Name: ac.name, Sub: ac.sub} }

// each calls fn with every value of the path and reports whether fn
// returned true for one of them.
func (ac *accessor) each(r *Resource, el elem, fn func(any) bool) bool {
	var v any
	switch {
	case ac.scoped:
		v = el.get(ac.name)
	case ac.container == "" && ac.name == idAttr:
		return fn(r.ID)
	case ac.container == "" && ac.name == metaAttr:
		return fn(metaValue(r, ac.sub))
	case ac.container == "":
		v = r.attr(ac.name)
	default:
		ext, _ := r.attr(ac.container).(map[string]any)
		v = ext[ac.name]
	}
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if ac.sub != "" {
				m, _ := x.(map[string]any)
				x = m[ac.sub]
			}
			if x != nil && fn(x) {
				return true
			}
		}
		return false
	}
	if ac.sub != "" {
		m, _ := v.(map[string]any)
		v = m[ac.sub]
	}
	return v != nil && fn(v)
}

// direct returns a specialised matchFn for the common case of a
// single-valued attribute read straight from a map (a top-level core
// attribute, or a sub-attribute inside a value path), or nil. It answers
// like each, with one indirection less per resource.
func (ac *accessor) direct(cmp func(any) bool, negate bool) matchFn {
	name := ac.name
	switch {
	case ac.sub != "":
		return nil
	case ac.scoped:
		return func(_ *Resource, el elem) bool {
			v := el.get(name)
			if _, multi := v.([]any); multi {
				return negate != ac.each(nil, el, cmp)
			}
			return negate != (v != nil && cmp(v))
		}
	case ac.container == "" && name != idAttr && name != metaAttr:
		return func(r *Resource, _ elem) bool {
			v := r.attr(name)
			if _, multi := v.([]any); multi {
				return negate != ac.each(r, elem{}, cmp)
			}
			return negate != (v != nil && cmp(v))
		}
	}
	return nil
}

// metaValue returns a meta sub-attribute of r.
func metaValue(r *Resource, sub string) any {
	switch sub {
	case "created":
		return r.Created
	case "lastModified":
		return r.LastModified
	case "resourceType":
		return r.Type
	case "version":
		return r.ETag()
	}
	return nil
}
