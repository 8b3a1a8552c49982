package groupsync

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryMemberships is an in-memory, transactional MembershipStore for
// tests, examples and single-instance hosts. It is safe for concurrent use.
type MemoryMemberships struct {
	mu      sync.Mutex
	managed []string
	held    map[string]map[Grant]Origin
}

// NewMemoryMemberships returns a store whose IdP-managed groups are managed.
func NewMemoryMemberships(managed ...string) *MemoryMemberships {
	return &MemoryMemberships{managed: slices.Clone(managed), held: map[string]map[Grant]Origin{}}
}

// Grant gives the user a grant with the given origin (an admin's manual
// grant, or a fixture).
func (m *MemoryMemberships) Grant(userID string, g Grant, o Origin) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held[userID] == nil {
		m.held[userID] = map[Grant]Origin{}
	}
	m.held[userID][g] = o
}

// Held returns the user's grants sorted by kind then id.
func (m *MemoryMemberships) Held(userID string) []Held {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Held, 0, len(m.held[userID]))
	for g, o := range m.held[userID] {
		out = append(out, Held{Grant: g, Origin: o})
	}
	slices.SortFunc(out, func(a, b Held) int { return compareGrant(a.Grant, b.Grant) })
	return out
}

// Snapshot implements MembershipStore.
func (m *MemoryMemberships) Snapshot(_ context.Context, userID string) (Snapshot, error) {
	return Snapshot{Held: m.Held(userID), ManagedGroups: slices.Clone(m.managed)}, nil
}

// Apply implements MembershipStore; it applies the whole diff at once.
func (m *MemoryMemberships) Apply(ctx context.Context, userID string, d Diff) (Diff, error) {
	if err := ctx.Err(); err != nil {
		return Diff{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held[userID] == nil {
		m.held[userID] = map[Grant]Origin{}
	}
	for _, g := range d.Add {
		m.held[userID][g] = OriginIdP
	}
	for _, g := range d.Remove {
		delete(m.held[userID], g)
	}
	return d, nil
}

// MemoryTokens is an in-memory TokenStore. It is safe for concurrent use.
type MemoryTokens struct {
	mu   sync.Mutex
	recs map[string]TokenRecord
}

// NewMemoryTokens returns an empty store.
func NewMemoryTokens() *MemoryTokens { return &MemoryTokens{recs: map[string]TokenRecord{}} }

// Get returns the user's record.
func (m *MemoryTokens) Get(userID string) (TokenRecord, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[userID]
	return r, ok
}

// Put implements TokenStore.
func (m *MemoryTokens) Put(_ context.Context, rec TokenRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[rec.UserID] = rec
	return nil
}

// Claim implements TokenStore. Records are returned oldest due first.
func (m *MemoryTokens) Claim(_ context.Context, now, leaseUntil time.Time, limit int) ([]TokenRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []TokenRecord
	for _, r := range m.recs {
		if !r.NextAt.After(now) {
			due = append(due, r)
		}
	}
	slices.SortFunc(due, func(a, b TokenRecord) int { return a.NextAt.Compare(b.NextAt) })
	if len(due) > limit {
		due = due[:limit]
	}
	for i, r := range due {
		r.NextAt = leaseUntil
		r.ClaimCount++
		m.recs[r.UserID] = r
		due[i].ClaimCount = r.ClaimCount
	}
	return due, nil
}

// Replace implements TokenStore.
func (m *MemoryTokens) Replace(_ context.Context, old []byte, rec TokenRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(rec.UserID, old); err != nil {
		return err
	}
	m.recs[rec.UserID] = rec
	return nil
}

// Remove implements TokenStore.
func (m *MemoryTokens) Remove(_ context.Context, userID string, old []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(userID, old); err != nil {
		return err
	}
	delete(m.recs, userID)
	return nil
}

func (m *MemoryTokens) check(userID string, old []byte) error {
	cur, ok := m.recs[userID]
	if !ok {
		return ErrTokenNotFound
	}
	if !bytes.Equal(cur.Sealed, old) {
		return ErrTokenConflict
	}
	return nil
}
