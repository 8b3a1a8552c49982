package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

// rotatingIdP counts refreshes per user and rotates the refresh token on
// every use, as Okta and Entra ID do.
type rotatingIdP struct {
	mu    sync.Mutex
	calls map[string]int
}

func (p *rotatingIdP) Refresh(_ context.Context, req groupsync.RefreshRequest) (groupsync.Refreshed, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[req.UserID]++
	return groupsync.Refreshed{RefreshToken: req.RefreshToken + "-rotated"}, nil
}

// Two groupsync workers on two Store instances drain the same due users
// concurrently: every user is refreshed exactly once and ends with its
// rotated token stored.
func TestTwoWorkersShareTheLease(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	sealer, err := groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)}, Current: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	idp := &rotatingIdP{calls: map[string]int{}}
	members := groupsync.NewMemoryMemberships()
	newWorker := func() (*groupsync.Worker, *redisstore.Store) {
		s := newStore(t, redisstore.Config{Addr: srv.Addr()})
		w, err := groupsync.NewWorker(groupsync.WorkerConfig{
			Tokens: s, Sealer: sealer, Refresher: idp, Memberships: members,
			Map: func(context.Context, string, groupsync.Claims) (groupsync.Desired, error) {
				return groupsync.Desired{Permissions: []string{"read"}}, nil
			},
			Batch: 30, Now: func() time.Time { return t0 },
		})
		if err != nil {
			t.Fatal(err)
		}
		return w, s
	}
	w1, s1 := newWorker()
	w2, _ := newWorker()
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("user-%03d", i)
		sealed, err := sealer.Seal(uid, "rt-"+uid)
		if err != nil {
			t.Fatal(err)
		}
		r := groupsync.TokenRecord{UserID: uid, Connection: "okta", Mode: groupsync.ModeStrict, Sealed: sealed, NextAt: t0}
		if err := s1.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	var total groupsync.RunStats
	var wg sync.WaitGroup
	for _, w := range []*groupsync.Worker{w1, w2} {
		wg.Add(1)
		go func(w *groupsync.Worker) {
			defer wg.Done()
			for round := 0; ; round++ {
				if round > n {
					t.Error("runs never ran dry: leases are not taken")
					return
				}
				st, err := w.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total.Claimed += st.Claimed
				total.Synced += st.Synced
				total.Conflicts += st.Conflicts
				mu.Unlock()
				if st.Claimed == 0 {
					return
				}
			}
		}(w)
	}
	wg.Wait()

	if total.Claimed != n || total.Synced != n || total.Conflicts != 0 {
		t.Fatalf("claimed %d, synced %d, conflicts %d; want %d, %d, 0", total.Claimed, total.Synced, total.Conflicts, n, n)
	}
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("user-%03d", i)
		if c := idp.calls[uid]; c != 1 {
			t.Fatalf("%s refreshed %d times, want once", uid, c)
		}
	}
	later := groupsynctest.Claim(t, s1, t0.Add(time.Hour), t0.Add(2*time.Hour), n+1)
	if len(later) != n {
		t.Fatalf("%d records left, want %d", len(later), n)
	}
	for _, r := range later {
		tok, err := sealer.Open(r.UserID, r.Sealed)
		if err != nil || tok != "rt-"+r.UserID+"-rotated" {
			t.Fatalf("%s stores %q, %v; want the rotated token", r.UserID, tok, err)
		}
	}
}
