package groupsync

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestWorkerLeaseFencing: a worker never starts a refresh on a lease that
// another instance may take over, and bounds each refresh call by the
// lease, so that two instances cannot spend one refresh token.
func TestWorkerLeaseFencing(t *testing.T) {
	t.Run("users whose lease ran out meanwhile are left for the next claim", func(t *testing.T) {
		r := newRig(t, func(c *WorkerConfig) { c.Concurrency, c.Lease = 1, time.Minute })
		inner := r.w.cfg.Refresher
		var calls atomic.Int32
		r.w.cfg.Refresher = refresherFunc(func(ctx context.Context, req RefreshRequest) (Refreshed, error) {
			if calls.Add(1) == 1 {
				r.clock.Add(50 * time.Second) // a slow identity provider eats the lease
			}
			return inner.Refresh(ctx, req)
		})
		for _, u := range []string{"ann", "bob", "cid"} {
			r.login(t, u, ModeStrict, "eng")
		}
		r.clock.Add(10 * time.Minute)
		st := r.run(t)
		if st.Claimed != 3 || st.Synced != 1 || st.LeaseExpired != 2 || calls.Load() != 1 {
			t.Fatalf("first run %+v with %d refresh calls, want 1 synced and 2 left for lease expiry", st, calls.Load())
		}
		r.clock.Add(10 * time.Second) // the lease has expired: the two are due
		st = r.run(t)
		if st.Claimed != 2 || st.Synced != 2 || st.LeaseExpired != 0 || calls.Load() != 3 {
			t.Fatalf("second run %+v with %d refresh calls, want the two left over", st, calls.Load())
		}
	})
	t.Run("the refresh call ends before the lease does", func(t *testing.T) {
		r := newRig(t, func(c *WorkerConfig) { c.Lease = time.Minute })
		inner := r.w.cfg.Refresher
		var left atomic.Int64
		r.w.cfg.Refresher = refresherFunc(func(ctx context.Context, req RefreshRequest) (Refreshed, error) {
			if dl, ok := ctx.Deadline(); ok {
				left.Store(int64(time.Until(dl)))
			}
			return inner.Refresh(ctx, req)
		})
		r.login(t, "ann", ModeStrict, "eng")
		r.clock.Add(10 * time.Minute)
		if st := r.run(t); st.Synced != 1 {
			t.Fatalf("run %+v", st)
		}
		if d := time.Duration(left.Load()); d <= 0 || d > 48*time.Second {
			t.Fatalf("refresh deadline %v ahead, want at most four fifths of the 1m lease", d)
		}
	})
}
