package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ErrNotFound is returned by a [ConnectionStore] for an unknown tenant or
// connection.
var ErrNotFound = errors.New("sso: not found")

// ErrConflict is returned by [MemoryStore.Put] when the stored version is
// not the one the caller read (optimistic concurrency).
var ErrConflict = errors.New("sso: connection changed concurrently")

// ConnectionStore is where the handler reads tenants and their
// connections, on every login, so a change applies on the next one.
// Every connection carries a Version that changes with it; compiled rules
// and verifiers are cached per version. Implementations must be safe for
// concurrent use and return copies.
type ConnectionStore interface {
	// Tenant returns the tenant's settings and connections, or an error
	// wrapping ErrNotFound.
	Tenant(ctx context.Context, slug string) (*Tenant, error)
	// Connection returns one connection of a tenant, or an error wrapping
	// ErrNotFound.
	Connection(ctx context.Context, slug, id string) (*Connection, error)
}

// MemoryStore is an in-memory, writable [ConnectionStore]. The zero value
// is not usable; build it with [NewMemoryStore].
type MemoryStore struct {
	mu      sync.RWMutex
	tenants map[string]*Tenant
	secrets Secrets
}

// NewMemoryStore validates tenants and returns a store holding copies of
// them, every connection at version 1.
func NewMemoryStore(secrets Secrets, tenants ...Tenant) (*MemoryStore, error) {
	if err := Validate(tenants, secrets); err != nil {
		return nil, err
	}
	s := &MemoryStore{tenants: map[string]*Tenant{}, secrets: secrets}
	for _, t := range tenants {
		t := cloneTenant(&t)
		for i := range t.Connections {
			t.Connections[i].normalize()
			t.Connections[i].Version = 1
		}
		s.tenants[t.Slug] = t
	}
	return s, nil
}

// Tenant implements [ConnectionStore].
func (s *MemoryStore) Tenant(_ context.Context, slug string) (*Tenant, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[slug]
	if !ok {
		return nil, ErrNotFound
	}
	return cloneTenant(t), nil
}

// Connection implements [ConnectionStore].
func (s *MemoryStore) Connection(_ context.Context, slug, id string) (*Connection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[slug]
	if !ok {
		return nil, ErrNotFound
	}
	for _, c := range t.Connections {
		if c.ID == id {
			c := cloneConnection(c)
			return &c, nil
		}
	}
	return nil, ErrNotFound
}

// Put creates or replaces a connection of an existing or new tenant.
// c.Version must be the version read (0 to create); on success the stored
// version is one more and is returned. A stale version gives ErrConflict.
// The tenant, with the change, is validated first.
func (s *MemoryStore) Put(_ context.Context, slug string, c Connection) (int64, error) {
	c.normalize()
	err := s.update(slug, func(t *Tenant) error {
		i := slices.IndexFunc(t.Connections, func(x Connection) bool { return x.ID == c.ID })
		var current int64
		if i >= 0 {
			current = t.Connections[i].Version
		}
		if c.Version != current {
			return ErrConflict
		}
		c.Version = current + 1
		if i >= 0 {
			t.Connections[i] = c
		} else {
			t.Connections = append(t.Connections, c)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return c.Version, nil
}

// SetAllowBreakGlass switches [Tenant.AllowBreakGlass] of an existing or
// new tenant, like Put: the tenant with the change is validated first and
// replaces the stored one only if valid. Connection versions do not
// change, since no connection does; [Handler.CheckPasswordLogin] reads
// the setting on every password login, so it applies to the next one.
func (s *MemoryStore) SetAllowBreakGlass(_ context.Context, slug string, allow bool) error {
	return s.update(slug, func(t *Tenant) error {
		t.AllowBreakGlass = allow
		return nil
	})
}

// update applies change to a copy of the tenant (a new one if missing),
// validates the result and stores it only if change and validation
// succeed.
func (s *MemoryStore) update(slug string, change func(t *Tenant) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[slug]
	if t == nil {
		t = &Tenant{Slug: slug}
	} else {
		t = cloneTenant(t)
	}
	if err := change(t); err != nil {
		return err
	}
	if err := Validate([]Tenant{*t}, s.secrets); err != nil {
		return err
	}
	s.tenants[slug] = t
	return nil
}

// FileStore is the read-only [ConnectionStore] of a configuration file.
type FileStore struct{ mem *MemoryStore }

// NewFileStore returns a read-only store of tenants that were validated
// already (by [ParseConfig]).
func NewFileStore(tenants []Tenant) (*FileStore, error) {
	s := &MemoryStore{tenants: map[string]*Tenant{}}
	for _, t := range tenants {
		t := cloneTenant(&t)
		for i := range t.Connections {
			t.Connections[i].normalize()
			t.Connections[i].Version = 1
		}
		s.tenants[t.Slug] = t
	}
	return &FileStore{mem: s}, nil
}

// Tenant implements [ConnectionStore].
func (f *FileStore) Tenant(ctx context.Context, slug string) (*Tenant, error) {
	return f.mem.Tenant(ctx, slug)
}

// Connection implements [ConnectionStore].
func (f *FileStore) Connection(ctx context.Context, slug, id string) (*Connection, error) {
	return f.mem.Connection(ctx, slug, id)
}

// Slugs lists the tenants of the file, sorted.
func (f *FileStore) Slugs() []string {
	f.mem.mu.RLock()
	defer f.mem.mu.RUnlock()
	out := make([]string, 0, len(f.mem.tenants))
	for s := range f.mem.tenants {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// DeleteConnection removes a tenant's connection. version must be the
// version read: a stale one gives ErrConflict, a missing connection an
// error wrapping ErrNotFound. The next login no longer sees it.
func (s *MemoryStore) DeleteConnection(_ context.Context, slug, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[slug]
	i := -1
	if t != nil {
		i = slices.IndexFunc(t.Connections, func(x Connection) bool { return x.ID == id })
	}
	if i < 0 {
		return fmt.Errorf("sso: connection %q of tenant %q: %w", id, slug, ErrNotFound)
	}
	if t.Connections[i].Version != version {
		return ErrConflict
	}
	t = cloneTenant(t)
	t.Connections = slices.Delete(t.Connections, i, i+1)
	s.tenants[slug] = t
	return nil
}

// manualDomains lists the domains the tenants declare verified, for [New].
func (s *MemoryStore) manualDomains() []Tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Tenant
	for _, t := range s.tenants {
		if len(t.Domains) > 0 {
			out = append(out, Tenant{Slug: t.Slug, Domains: slices.Clone(t.Domains)})
		}
	}
	slices.SortFunc(out, func(a, b Tenant) int { return strings.Compare(a.Slug, b.Slug) })
	return out
}

func (f *FileStore) manualDomains() []Tenant { return f.mem.manualDomains() }

// manualDomainsLister is implemented by the stores of this package.
type manualDomainsLister interface{ manualDomains() []Tenant }

func cloneTenant(t *Tenant) *Tenant {
	c := *t
	c.paths = nil
	c.Domains = slices.Clone(t.Domains)
	c.Connections = make([]Connection, len(t.Connections))
	for i, x := range t.Connections {
		c.Connections[i] = cloneConnection(x)
	}
	return &c
}

func cloneConnection(c Connection) Connection {
	c.Domains = slices.Clone(c.Domains)
	c.TestExpressions = slices.Clone(c.TestExpressions)
	c.Parameters.Scopes = slices.Clone(c.Parameters.Scopes)
	if c.Parameters.ClaimMapping != nil {
		m := make(map[string]string, len(c.Parameters.ClaimMapping))
		for k, v := range c.Parameters.ClaimMapping {
			m[k] = v
		}
		c.Parameters.ClaimMapping = m
	}
	c.Mapping.Permissions = slices.Clone(c.Mapping.Permissions)
	return c
}
