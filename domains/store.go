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
// The zero value is not usable; call [NewMemoryStore].
type MemoryStore struct {
	mu      sync.Mutex
	records map[storeKey]Domain
}

type storeKey struct{ tenant, name string }

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: make(map[storeKey]Domain)}
}

// Create implements [DomainStore].
func (m *MemoryStore) Create(ctx context.Context, d Domain) (Domain, error) {
	if err := ctx.Err(); err != nil {
		return Domain{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := storeKey{d.Tenant, d.Name}
	if _, ok := m.records[k]; ok {
		return Domain{}, ErrExists
	}
	if err := m.checkConflictLocked(d); err != nil {
		return Domain{}, err
	}
	d.Version = 1
	m.records[k] = d
	return d, nil
}

// Get implements [DomainStore].
func (m *MemoryStore) Get(ctx context.Context, tenant, name string) (Domain, error) {
	if err := ctx.Err(); err != nil {
		return Domain{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.records[storeKey{tenant, name}]
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
	k := storeKey{d.Tenant, d.Name}
	old, ok := m.records[k]
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
	m.records[k] = d
	return d, nil
}

// checkConflictLocked refuses a verified d while another tenant holds
// d.Name verified.
func (m *MemoryStore) checkConflictLocked(d Domain) error {
	if d.State != Verified {
		return nil
	}
	for k, o := range m.records {
		if k.name == d.Name && k.tenant != d.Tenant && o.State == Verified {
			return &ConflictError{Name: d.Name, Tenant: d.Tenant, Holder: k.tenant}
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
	return m.filter(ctx, func(d Domain) bool { return d.Name == name })
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
	for _, d := range m.records {
		if keep(d) {
			out = append(out, d)
		}
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Tenant < out[j].Tenant
	})
	return out, nil
}
