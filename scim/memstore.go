package scim

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// MemoryStore is the embedded in-memory [Store]. It is safe for concurrent
// use. Filters requiring equality on id, userName, externalId, an email or
// a group's displayName are answered from indexes; other filters scan the
// tenant's resources of one type, reading a flat copy of each resource
// that the store keeps beside it (about twice the memory, for scans that
// touch contiguous memory). Stored resources are copied on the way in and
// out, so callers never share memory with the store.
type MemoryStore struct {
	mu      sync.RWMutex
	tenants map[string]map[string]*collection // tenant -> type -> resources
}

// collection holds the resources of one type of one tenant.
type collection struct {
	typ        string
	byID       map[string]*entry
	byUserName map[string]*entry // folded userName, Users only
	idx        map[string]map[string][]*entry
	order      []*entry // creation order, with deleted entries
	dead       int
	seq        uint64
}

// entry is one stored resource, held by value so that a scan follows one
// pointer less; it changes only under the write lock.
type entry struct {
	res     Resource
	seq     uint64 // creation order
	deleted bool
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{tenants: map[string]map[string]*collection{}}
}

// coll returns the collection of a tenant and type, creating it when create
// is set; it returns nil otherwise when absent.
func (s *MemoryStore) coll(tenant, typ string, create bool) *collection {
	t := s.tenants[tenant]
	if t == nil {
		if !create {
			return nil
		}
		t = map[string]*collection{}
		s.tenants[tenant] = t
	}
	c := t[typ]
	if c == nil && create {
		c = &collection{typ: typ, byID: map[string]*entry{}, idx: map[string]map[string][]*entry{}}
		if typ == UserType {
			c.byUserName = map[string]*entry{}
		}
		t[typ] = c
	}
	return c
}

// userNameKey is the uniqueness key of a User.
func userNameKey(r *Resource) string {
	if r.Type != UserType {
		return ""
	}
	return foldKey(r.UserName())
}

// Create implements [Store].
func (s *MemoryStore) Create(ctx context.Context, tenant string, r *Resource) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(tenant, r.Type, true)
	if _, ok := c.byID[r.ID]; ok {
		return fmt.Errorf("id %q exists: %w", r.ID, ErrUniqueness)
	}
	key := userNameKey(r)
	if _, taken := c.byUserName[key]; key != "" && taken {
		return fmt.Errorf("userName %q: %w", r.UserName(), ErrUniqueness)
	}
	r.Version = 1
	c.seq++
	e := &entry{res: r.withFlatView(), seq: c.seq}
	c.byID[r.ID] = e
	c.index(e, true)
	if key != "" {
		c.byUserName[key] = e
	}
	c.order = append(c.order, e)
	return nil
}

// Get implements [Store].
func (s *MemoryStore) Get(ctx context.Context, tenant, typ, id string) (*Resource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.coll(tenant, typ, false)
	if c == nil || c.byID[id] == nil {
		return nil, fmt.Errorf("%s: %w", describe(typ, id), ErrNotFound)
	}
	return c.byID[id].res.Clone(), nil
}

// Replace implements [Store].
func (s *MemoryStore) Replace(ctx context.Context, tenant string, r *Resource, expected int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(tenant, r.Type, false)
	if c == nil || c.byID[r.ID] == nil {
		return fmt.Errorf("%s: %w", describe(r.Type, r.ID), ErrNotFound)
	}
	e := c.byID[r.ID]
	if e.res.Version != expected {
		return fmt.Errorf("%s has version %d, not %d: %w", describe(r.Type, r.ID), e.res.Version, expected, ErrVersionMismatch)
	}
	oldKey, newKey := userNameKey(&e.res), userNameKey(r)
	if other, taken := c.byUserName[newKey]; newKey != "" && taken && other != e {
		return fmt.Errorf("userName %q: %w", r.UserName(), ErrUniqueness)
	}
	r.Version = expected + 1
	c.index(e, false)
	e.res = r.withFlatView()
	c.index(e, true)
	if oldKey != newKey {
		delete(c.byUserName, oldKey)
		if newKey != "" {
			c.byUserName[newKey] = e
		}
	}
	return nil
}

// Delete implements [Store].
func (s *MemoryStore) Delete(ctx context.Context, tenant, typ, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(tenant, typ, false)
	if c == nil || c.byID[id] == nil {
		return fmt.Errorf("%s: %w", describe(typ, id), ErrNotFound)
	}
	e := c.byID[id]
	delete(c.byID, id)
	c.index(e, false)
	if key := userNameKey(&e.res); key != "" {
		delete(c.byUserName, key)
	}
	e.deleted = true
	c.dead++
	if c.dead > len(c.order)/2 {
		c.compact()
	}
	if groups := s.coll(tenant, GroupType, false); groups != nil {
		groups.removeMember(id)
	}
	return nil
}

// compact drops deleted entries from the creation order.
func (c *collection) compact() {
	c.order = slices.DeleteFunc(c.order, func(e *entry) bool { return e.deleted })
	c.dead = 0
}

// removeMember removes id from every group that lists it.
func (c *collection) removeMember(id string) {
	for _, e := range c.byID {
		if !slices.Contains(e.res.MemberIDs(), id) {
			continue
		}
		r := e.res.Clone()
		members, _ := r.Attrs[membersAttr].([]any)
		members = slices.DeleteFunc(members, func(m any) bool {
			mm, _ := m.(map[string]any)
			return mm[valueSubAttr] == id
		})
		setList(r.Attrs, membersAttr, members)
		r.Version++
		e.res = r.withFlatView()
	}
}

// List implements [Store].
func (s *MemoryStore) List(ctx context.Context, tenant, typ string, q Query) (*Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	match, sorter, err := compileQuery(typ, q)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.coll(tenant, typ, false)
	if c == nil {
		return &Page{}, nil
	}
	hits := scan(c.candidates(q.Filter), match)
	if sorter != nil {
		slices.SortStableFunc(hits, sorter)
	}
	return page(hits, q), nil
}

// parallelScanMin is the number of candidates above which a scan is split
// across processors.
const parallelScanMin = 16384

// scan returns the live entries that match, in order. Large scans run on
// every processor; the matcher and the entries are only read.
func scan(entries []*entry, match Matcher) []*Resource {
	workers := min(runtime.GOMAXPROCS(0), len(entries)/parallelScanMin+1)
	if workers <= 1 {
		return scanRange(entries, match)
	}
	parts := make([][]*Resource, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(entries)*w/workers, len(entries)*(w+1)/workers
		wg.Go(func() { parts[w] = scanRange(entries[lo:hi], match) })
	}
	wg.Wait()
	return slices.Concat(parts...)
}

// scanRange filters one run of entries.
func scanRange(entries []*entry, match Matcher) []*Resource {
	var hits []*Resource
	for _, e := range entries {
		if !e.deleted && (match == nil || match(&e.res)) {
			hits = append(hits, &e.res)
		}
	}
	return hits
}

// compileQuery compiles the filter and sort order of a query.
func compileQuery(typ string, q Query) (Matcher, func(a, b *Resource) int, error) {
	var match Matcher
	var sorter func(a, b *Resource) int
	var err error
	if q.Filter != nil {
		if match, err = NewMatcher(q.Filter, typ); err != nil {
			return nil, nil, err
		}
	}
	if q.SortBy != nil {
		if sorter, err = NewSorter(*q.SortBy, typ, q.SortOrder); err != nil {
			return nil, nil, err
		}
	}
	return match, sorter, nil
}

// page cuts one page out of the sorted hits and copies it.
func page(hits []*Resource, q Query) *Page {
	p := &Page{TotalResults: len(hits)}
	start := max(q.StartIndex, 1) - 1
	if start >= len(hits) || q.Count <= 0 {
		return p
	}
	end := min(start+q.Count, len(hits))
	p.Resources = make([]*Resource, 0, end-start)
	for _, r := range hits[start:end] {
		p.Resources = append(p.Resources, r.Clone())
	}
	return p
}

// candidates returns the entries a filter can match: the index's answer
// when one applies, else every entry.
func (c *collection) candidates(f Filter) []*entry {
	hits, indexed := c.lookupIndexed(f)
	if !indexed {
		return c.order
	}
	if len(hits) > 1 {
		hits = slices.Clone(hits)
		slices.SortFunc(hits, func(a, b *entry) int { return cmpUint(a.seq, b.seq) })
	}
	return hits
}

// cmpUint orders two sequence numbers.
func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
