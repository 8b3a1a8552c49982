package multitest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssokit/ssokit/groupsync"
)

// Clock is real time plus an offset that the test moves, so that periods
// and leases pass without sleeping. It is safe for concurrent use.
type Clock struct{ offset atomic.Int64 }

// Now returns time.Now plus the offset.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Set sets the offset.
func (c *Clock) Set(d time.Duration) { c.offset.Store(int64(d)) }

// hangGate makes the n-th next successful refresh stall until its
// deadline (the worker bounds it by the lease).
type hangGate struct{ left atomic.Int64 }

func (g *hangGate) arm(n int64) { g.left.Store(n) }

// hit reports whether this refresh is the one that must stall.
func (g *hangGate) hit() bool {
	for {
		n := g.left.Load()
		if n <= 0 {
			return false
		}
		if g.left.CompareAndSwap(n, n-1) {
			return n == 1
		}
	}
}

// hangingRefresher passes refreshes through and, when the gate says so,
// stalls after the identity provider answered: the rotated token is spent
// at the IdP and never stored, the window a crash can hit.
type hangingRefresher struct {
	next groupsync.Refresher
	gate *hangGate
	out  *lineWriter
}

func (r *hangingRefresher) Refresh(ctx context.Context, req groupsync.RefreshRequest) (groupsync.Refreshed, error) {
	got, err := r.next.Refresh(ctx, req)
	if err == nil && r.gate.hit() {
		r.out.printf("HANG %s", req.UserID)
		<-ctx.Done() // the test kills the process long before
		return groupsync.Refreshed{}, ctx.Err()
	}
	return got, err
}

// lineWriter writes whole lines atomically.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// claimReporter is the shared store, reporting each claim on stdout so
// that the test knows which leases a killed instance held.
type claimReporter struct {
	groupsync.TokenStore
	out *lineWriter
}

func (c claimReporter) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]groupsync.TokenRecord, error) {
	recs, err := c.TokenStore.Claim(ctx, now, leaseUntil, limit)
	if len(recs) > 0 {
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.UserID
		}
		c.out.printf("CLAIMED %s", strings.Join(ids, " "))
	}
	return recs, err
}
