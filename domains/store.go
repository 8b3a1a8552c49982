package domains

import (
	"context"
	"sort"
	"sync"
)

// DomainStore keeps domain records. Implementations must be safe for
// concurrent use and must enforce, atomically, the two invariants below;
// the in-memory [MemoryStore] is the reference.
//
//   - One record per (tenant, name).
//   - At most one tenant holds a name [Verified]: Create or Update of a
//     verified record returns a [*ConflictError] while another tenant's
//     record of the same name is verified.
//
// Update is compare-and-swap on Version: it fails with [ErrStale] unless
// d.Version equals the stored version, and stores d with Version+1.
type DomainStore interface {
	// Create stores a new record (Version is set to 1). It returns
	// [ErrExists] if the tenant already has the name.
	Create(ctx context.Context, d Domain) (Domain, error)
	// Get returns the tenant's record or a [*NotFoundError].
	Get(ctx context.Context, tenant, name string) (Domain, error)
	// Update replaces a record, see above.
	Update(ctx context.Context, d Domain) (Domain, error)
	// List returns the tenant's records, sorted by name.
	List(ctx context.Context, tenant string) ([]Domain, error)
	// ListByName returns every tenant's record of name, sorted by tenant.
	ListByName(ctx context.Context, name string) ([]Domain, error)
	// ListByState returns every record in state s, for background work.
	ListByState(ctx context.Context, s State) ([]Domain, error)
}

// MemoryStore is the in-memory [DomainStore], safe for concurrent use.
// Records are indexed by name, so the trust queries cost one map lookup
// per name tried. The zero value is not usable; call [NewMemoryStore].
type MemoryStore struct {
	mu     sync.Mutex
	byName map[string]map[string]Domain // name -> tenant -> record
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{byName: make(map[string]map[string]Domain)}
}

// Create implements [DomainStore].
func (m *MemoryStore) Create(ctx context.Context, d Domain) (Domain, error) {
	if err := ctx.Err(); err != nil {
		return Domain{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byName[d.Name][d.Tenant]; ok {
		return Domain{}, ErrExists
	}
	if err := m.checkConflictLocked(d); err != nil {
		return Domain{}, err
	}
	d.Version = 1
	if m.byName[d.Name] == nil {
		m.byName[d.Name] = make(map[string]Domain)
	}
	m.byName[d.Name][d.Tenant] = d
	return d, nil
}

// Get implements [DomainStore].
func (m *MemoryStore) Get(ctx context.Context, tenant, name string) (Domain, error) {
	if err := ctx.Err(); err != nil {
		return Domain{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.byName[name][tenant]
	if !ok {
		return Domain{}, &NotFoundError{Tenant: tenant, Name: name}
	}
	return d, nil
}

// Update implements [DomainStore].
func (m *MemoryStore) Update(ctx context.Context, d Domain) (Domain, error) {
	if err := ctx.Err(); err != nil {
		return Domain{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.byName[d.Name][d.Tenant]
	if !ok {
		return Domain{}, &NotFoundError{Tenant: d.Tenant, Name: d.Name}
	}
	if old.Version != d.Version {
		return Domain{}, ErrStale
	}
	if err := m.checkConflictLocked(d); err != nil {
		return Domain{}, err
	}
	d.Version++
	m.byName[d.Name][d.Tenant] = d
	return d, nil
}

// checkConflictLocked refuses a verified d while another tenant holds
// d.Name verified.
func (m *MemoryStore) checkConflictLocked(d Domain) error {
	if d.State != Verified {
		return nil
	}
	for tenant, o := range m.byName[d.Name] {
		if tenant != d.Tenant && o.State == Verified {
			return &ConflictError{Name: d.Name, Tenant: d.Tenant, Holder: tenant}
		}
	}
	return nil
}

// List implements [DomainStore].
func (m *MemoryStore) List(ctx context.Context, tenant string) ([]Domain, error) {
	return m.filter(ctx, func(d Domain) bool { return d.Tenant == tenant })
}

// ListByName implements [DomainStore].
func (m *MemoryStore) ListByName(ctx context.Context, name string) ([]Domain, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	out := make([]Domain, 0, len(m.byName[name]))
	for _, d := range m.byName[name] {
		out = append(out, d)
	}
	m.mu.Unlock()
	sortDomains(out)
	return out, nil
}

// ListByState implements [DomainStore].
func (m *MemoryStore) ListByState(ctx context.Context, s State) ([]Domain, error) {
	return m.filter(ctx, func(d Domain) bool { return d.State == s })
}

func (m *MemoryStore) filter(ctx context.Context, keep func(Domain) bool) ([]Domain, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	var out []Domain
	for _, tenants := range m.byName {
		for _, d := range tenants {
			if keep(d) {
				out = append(out, d)
			}
		}
	}
	m.mu.Unlock()
	sortDomains(out)
	return out, nil
}

// sortDomains orders by name, then tenant.
func sortDomains(ds []Domain) {
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Name != ds[j].Name {
			return ds[i].Name < ds[j].Name
		}
		return ds[i].Tenant < ds[j].Tenant
	})
}
