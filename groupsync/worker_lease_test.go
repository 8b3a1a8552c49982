package groupsync

import (
	"context"
	"errors"
	"strings"
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

// TestWorkerReportsAbandonedClaim: an instance claims a user, has the
// token rotated at the identity provider and dies before storing it. The
// next claim, after the lease, spends the stale token; the provider
// rejects it, and the event says that an earlier claim was abandoned,
// not merely that the token was revoked.
func TestWorkerReportsAbandonedClaim(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		crashed bool
	}{
		{"a token spent by a claim that died is reported as abandoned", true},
		{"a token revoked at the provider is reported as revoked only", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			r.login(t, "ann", ModeStrict, "eng")
			r.clock.Add(10 * time.Minute)
			if tc.crashed {
				recs, err := r.tokens.Claim(ctx, r.clock.Now(), r.clock.Now().Add(5*time.Minute), 10)
				if err != nil || len(recs) != 1 || recs[0].ClaimCount != 1 {
					t.Fatalf("claim = %+v, %v", recs, err)
				}
				tok, err := r.w.cfg.Sealer.Open("ann", recs[0].Sealed)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := r.w.cfg.Refresher.Refresh(ctx, RefreshRequest{UserID: "ann", Connection: "conn1", RefreshToken: tok}); err != nil {
					t.Fatal(err) // rotated at the provider; the instance dies here
				}
				r.clock.Add(6 * time.Minute) // the lease expires
			} else {
				r.op.revokeUser("ann")
			}
			st := r.run(t)
			ev := r.lastEvent(t)
			if st.Revoked != 1 || ev.Kind != EventRevoked || !errors.Is(ev.Err, ErrRefreshRevoked) {
				t.Fatalf("stats %+v, event %+v", st, ev)
			}
			abandoned := errors.Is(ev.Err, ErrLeaseAbandoned) && strings.Contains(ev.Reason, "earlier claim ended without a result")
			if abandoned != tc.crashed {
				t.Fatalf("abandoned claim reported = %v, want %v: %+v", abandoned, tc.crashed, ev)
			}
		})
	}
	t.Run("a completed run resets the claim count", func(t *testing.T) {
		r := newRig(t, nil)
		r.login(t, "bob", ModeStrict, "eng")
		r.clock.Add(10 * time.Minute)
		if st := r.run(t); st.Synced != 1 {
			t.Fatalf("run %+v", st)
		}
		if rec, _ := r.tokens.Get("bob"); rec.ClaimCount != 0 {
			t.Fatalf("claims after a completed run = %d, want 0", rec.ClaimCount)
		}
	})
}
