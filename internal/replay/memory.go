package replay

import (
	"context"
	"sync"
	"time"
)

// sweepEvery is how many calls to Seen pass between two sweeps of expired
// entries. Sweeping is amortised so that Seen stays O(1) on average.
const sweepEvery = 1024

// Memory is a replay cache held in process memory. It is safe for concurrent
// use. Its zero value is not usable: create one with NewMemory.
type Memory struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]time.Time
	calls   int
}

// NewMemory returns an empty cache. now tells the current time; nil means
// time.Now.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, entries: make(map[string]time.Time)}
}

// Seen records key until the time until and reports whether key was already
// recorded and had not yet expired. Checking and recording are one atomic
// step: of two concurrent calls with the same key, exactly one reports false.
func (m *Memory) Seen(ctx context.Context, key string, until time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.calls%sweepEvery == 0 {
		m.sweep(now)
	}
	if exp, ok := m.entries[key]; ok && now.Before(exp) {
		return true, nil
	}
	m.entries[key] = until
	return false, nil
}

// Len reports how many entries the cache holds, expired ones included until
// the next sweep.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

func (m *Memory) sweep(now time.Time) {
	for k, exp := range m.entries {
		if !now.Before(exp) {
			delete(m.entries, k)
		}
	}
}
