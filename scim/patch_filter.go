package scim

// applyFiltered implements operations on "attr[filter]" and
// "attr[filter].sub".
func (p *patcher) applyFiltered(op string, t *target, obj map[string]any, v any) error {
	list, _ := obj[t.attr.Name].([]any)
	if op == "remove" {
		setList(obj, t.attr.Name, removeMatching(p.res, t, list))
		return nil
	}
	cv, err := p.filteredValue(t, v)
	if err != nil {
		return err
	}
	hit := false
	for i, el := range list {
		m, ok := el.(map[string]any)
		if !ok || !t.match(p.res, elem{m: m}) {
			continue
		}
		hit = true
		list[i] = updateElement(op, t, m, cv)
	}
	if !hit {
		el, ok := newElementFromFilter(t.filter)
		if !ok {
			return errorf(400, TypeNoTarget, ErrNoTarget, "no value of %s matches the filter", t.attr.Name)
		}
		list = append(list, updateElement("add", t, el, cv))
	}
	fixPrimary(list)
	setList(obj, t.attr.Name, list)
	return nil
}

// filteredValue coerces the value of an add or replace on a filtered path:
// a sub-attribute value, or an element object.
func (p *patcher) filteredValue(t *target, v any) (any, error) {
	if t.sub != nil {
		return coerceSingle(t.sub, v)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, invalidValue("%s with a value filter needs an object value", t.attr.Name)
	}
	return coerceSingle(t.attr, v)
}

// updateElement applies a value to one matching element.
func updateElement(op string, t *target, el map[string]any, cv any) map[string]any {
	if t.sub != nil {
		setOrDelete(el, t.sub.Name, cv)
		return el
	}
	m, _ := cv.(map[string]any)
	if op == "replace" {
		return mergeMaps(nil, m)
	}
	return mergeMaps(el, m)
}

// removeMatching removes matching elements, or their sub-attribute.
func removeMatching(r *Resource, t *target, list []any) []any {
	kept := list[:0:0]
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok || !t.match(r, elem{m: m}) {
			kept = append(kept, el)
			continue
		}
		if t.sub != nil {
			delete(m, t.sub.Name)
			kept = append(kept, m)
		}
	}
	return kept
}

// newElementFromFilter builds the element an equality filter describes
// ("type eq "work"" gives {"type": "work"}), so that
// replace emails[type eq "work"].value creates the work email when there
// is none, as Entra ID expects. ok is false for other filters.
func newElementFromFilter(f Filter) (map[string]any, bool) {
	switch f := f.(type) {
	case *AttrExpr:
		if f.Op != OpEq || f.Value == nil || f.Path.Sub != "" {
			return nil, false
		}
		return map[string]any{f.Path.Name: f.Value}, true
	case *LogicalExpr:
		if f.Op != And {
			return nil, false
		}
		l, ok1 := newElementFromFilter(f.Left)
		r, ok2 := newElementFromFilter(f.Right)
		return mergeMaps(l, r), ok1 && ok2
	}
	return nil, false
}
