package sso

import (
	"context"
	"strconv"
	"sync"
)

// MemoryUsers is an in-memory [UserStore] for tests, examples and demos.
// It is safe for concurrent use.
type MemoryUsers struct {
	mu    sync.Mutex
	next  int
	users map[string]*User     // by id
	links map[[3]string]string // (tenant, issuer, subject) -> id
}

// NewMemoryUsers returns a store holding copies of users (IDs are
// assigned when empty).
func NewMemoryUsers(users ...User) *MemoryUsers {
	m := &MemoryUsers{users: map[string]*User{}, links: map[[3]string]string{}}
	for _, u := range users {
		m.add(u)
	}
	return m
}

func (m *MemoryUsers) add(u User) *User {
	m.next++
	if u.ID == "" {
		u.ID = "u" + strconv.Itoa(m.next)
	}
	m.users[u.ID] = &u
	return &u
}

// Get returns a copy of the user with this id.
func (m *MemoryUsers) Get(id string) (User, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// FindBySubject implements [UserStore].
func (m *MemoryUsers) FindBySubject(_ context.Context, tenant, issuer, subject string) (*User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.links[[3]string{tenant, issuer, subject}]
	if !ok {
		return nil, nil
	}
	u := *m.users[id]
	return &u, nil
}

// FindByEmail implements [UserStore].
func (m *MemoryUsers) FindByEmail(_ context.Context, tenant, email string) (*User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.Tenant == tenant && u.Email == email {
			c := *u
			return &c, nil
		}
	}
	return nil, nil
}

// CreateUser implements [UserStore].
func (m *MemoryUsers) CreateUser(_ context.Context, tenant string, p Profile) (*User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.Tenant == tenant && u.Email == p.Email {
			return nil, ErrUserExists
		}
	}
	u := m.add(User{Tenant: tenant, Email: p.Email, Name: p.Name, EmailUnverified: p.EmailUnverified})
	c := *u
	return &c, nil
}

// UpdateProfile implements [UserStore].
func (m *MemoryUsers) UpdateProfile(_ context.Context, tenant, userID string, p Profile) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if u, ok := m.users[userID]; ok && u.Tenant == tenant {
		u.Email, u.Name, u.EmailUnverified = p.Email, p.Name, p.EmailUnverified
	}
	return nil
}

// LinkUser implements [UserStore].
func (m *MemoryUsers) LinkUser(_ context.Context, tenant, userID string, l Link) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[userID]
	if !ok || u.Tenant != tenant {
		return ErrNotFound
	}
	m.links[[3]string{tenant, l.Issuer, l.Subject}] = userID
	if l.Activate {
		u.Pending = false
	}
	return nil
}
