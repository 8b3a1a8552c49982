package setup

import (
	"context"
	"slices"
	"sync"
	"time"
)

// AuditEvent is one change made through setup. It names the fields
// that changed, never their values.
type AuditEvent struct {
	Time       time.Time `json:"time"`
	Tenant     string    `json:"tenant"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Connection string    `json:"connection,omitempty"`
	Fields     []string  `json:"fields,omitempty"`
	// Domain is set for domain actions: which domain. Detail is the
	// outcome in words for domain actions (never the verification token)
	// and the new value, on or off, for tenant.break_glass.
	Domain string `json:"domain,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// AuditLog records and lists setup changes.
type AuditLog interface {
	Record(ctx context.Context, e AuditEvent) error
	// List returns a tenant's latest events, newest first.
	List(ctx context.Context, tenant string, limit int) ([]AuditEvent, error)
}

// MemoryAudit is an in-memory AuditLog keeping the last events of each
// tenant.
type MemoryAudit struct {
	mu    sync.Mutex
	keep  int
	byTen map[string][]AuditEvent
}

// NewMemoryAudit keeps the last keep events per tenant.
func NewMemoryAudit(keep int) *MemoryAudit {
	return &MemoryAudit{keep: max(keep, 1), byTen: map[string][]AuditEvent{}}
}

// Record appends e.
func (m *MemoryAudit) Record(_ context.Context, e AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := append(m.byTen[e.Tenant], e)
	if len(l) > m.keep {
		l = slices.Clone(l[len(l)-m.keep:])
	}
	m.byTen[e.Tenant] = l
	return nil
}

// List returns the tenant's events, newest first.
func (m *MemoryAudit) List(_ context.Context, tenant string, limit int) ([]AuditEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := slices.Clone(m.byTen[tenant])
	slices.Reverse(l)
	if limit > 0 && len(l) > limit {
		l = l[:limit]
	}
	return l, nil
}
