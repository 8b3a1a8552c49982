package scim

import (
	"context"
	"strings"
	"time"
)

// Store keeps the SCIM resources of every tenant. Every method receives the
// tenant the request authenticated as and must never read or write another
// tenant's resources. Implementations must be safe for concurrent use.
//
// Errors: ErrNotFound for a missing id, ErrUniqueness when a User's
// userName (compared ignoring case) is taken in the tenant, and
// ErrVersionMismatch when Replace's expected version is stale; wrap them
// with %w.
type Store interface {
	// Create stores a new resource. r.ID, r.Created, r.LastModified and
	// r.Attrs are set by the caller; the store sets r.Version to 1.
	Create(ctx context.Context, tenant string, r *Resource) error
	// Get returns a copy of one resource.
	Get(ctx context.Context, tenant, resourceType, id string) (*Resource, error)
	// Replace overwrites a resource if its stored version equals
	// expectedVersion, and increments r.Version.
	Replace(ctx context.Context, tenant string, r *Resource, expectedVersion int64) error
	// Delete removes a resource. Deleting a User also removes it from the
	// members of the tenant's groups.
	Delete(ctx context.Context, tenant, resourceType, id string) error
	// List returns one page of the resources of a type matching q.
	List(ctx context.Context, tenant, resourceType string, q Query) (*Page, error)
}

// SortOrder is the direction of a sorted list.
type SortOrder int

// Sort orders.
const (
	Ascending SortOrder = iota
	Descending
)

// Query selects, orders and pages resources.
type Query struct {
	// Filter is nil for all resources. Its paths are canonical (see
	// [Canonicalize]); [NewMatcher] evaluates it.
	Filter Filter
	// SortBy is nil for the store's stable default order (creation order
	// in the memory store).
	SortBy    *AttrPath
	SortOrder SortOrder
	// StartIndex is the 1-based index of the first result (at least 1).
	StartIndex int
	// Count is the maximum number of resources to return (0 means none,
	// only the total).
	Count int
}

// Page is one page of a list.
type Page struct {
	TotalResults int
	Resources    []*Resource
}

// NewSorter returns a comparison function ordering resources of a type by
// one attribute path (for multi-valued attributes the primary value, else
// the first), ignoring case unless the attribute is caseExact. Resources
// without a value sort last in either order.
func NewSorter(p AttrPath, resourceType string, order SortOrder) (func(a, b *Resource) int, error) {
	c, err := newCompiler(resourceType)
	if err != nil {
		return nil, err
	}
	ac, a, err := c.resolve(p, nil)
	if err != nil {
		return nil, err
	}
	key := func(r *Resource) (any, bool) { return sortValue(ac, r) }
	return func(x, y *Resource) int {
		vx, okx := key(x)
		vy, oky := key(y)
		switch {
		case !okx && !oky:
			return 0
		case !okx:
			return 1
		case !oky:
			return -1
		}
		c := compareValues(vx, vy, a.CaseExact)
		if order == Descending {
			return -c
		}
		return c
	}, nil
}

// sortValue picks the value a resource sorts by.
func sortValue(ac *accessor, r *Resource) (any, bool) {
	var first any
	ac.each(r, elem{}, func(v any) bool {
		if first == nil {
			first = v
		}
		return false
	})
	return first, first != nil
}

// compareValues orders two attribute values of the same type.
func compareValues(a, b any, exact bool) int {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		if exact {
			return strings.Compare(x, y)
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	case float64:
		y, _ := b.(float64)
		return cmpFloat(x, y)
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}
