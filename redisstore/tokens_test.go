package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

var _ groupsync.TokenStore = (*redisstore.Store)(nil)

// t0 has a nanosecond part so that precision loss shows.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC)

func rec(uid string, next time.Time, sealed string) groupsync.TokenRecord {
	return groupsync.TokenRecord{
		UserID: uid, Connection: "okta-" + uid, Mode: groupsync.ModeStrict,
		Sealed: []byte(sealed), NextAt: next, Failures: 2,
	}
}

func TestTokenStoreConformanceMemory(t *testing.T) {
	groupsynctest.TestTokenStore(t, func(*testing.T) groupsync.TokenStore { return groupsync.NewMemoryTokens() })
}

func TestTokenStoreConformanceRedis(t *testing.T) {
	srv := redistest.Start(t)
	n := 0
	groupsynctest.TestTokenStore(t, func(t *testing.T) groupsync.TokenStore {
		n++ // a fresh namespace per case
		return newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: fmt.Sprintf("case%d:", n)})
	})
}

// Two instances (two clients) claim concurrently from the same due set;
// no user may be handed to both.
func TestClaimTwoInstancesNeverShareAUser(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := newStore(t, redisstore.Config{Addr: srv.Addr()})
	b := newStore(t, redisstore.Config{Client: srv.Client(t)})
	const total = 500
	for i := 0; i < total; i++ {
		if err := a.Put(ctx, rec(fmt.Sprintf("user-%03d", i), t0.Add(-time.Duration(i)*time.Millisecond), "s")); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	owner := map[string]int{}
	var wg sync.WaitGroup
	for inst, s := range []*redisstore.Store{a, b, a, b} {
		wg.Add(1)
		go func(inst int, s *redisstore.Store) {
			defer wg.Done()
			for round := 0; ; round++ {
				if round > total {
					t.Error("claims never ran dry: leases are not taken")
					return
				}
				got, err := s.Claim(ctx, t0, t0.Add(time.Hour), 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, r := range got {
					if prev, dup := owner[r.UserID]; dup {
						t.Errorf("%s claimed by worker %d and %d", r.UserID, prev, inst)
					}
					owner[r.UserID] = inst
				}
				mu.Unlock()
			}
		}(inst, s)
	}
	wg.Wait()
	if len(owner) != total {
		t.Fatalf("claimed %d users, want %d", len(owner), total)
	}
}

func TestTokenNamespacing(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "dep-a:"})
	b := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "dep-b:"})
	_ = a.Put(ctx, rec("u", t0, "s"))
	if got := groupsynctest.Claim(t, b, t0, t0.Add(time.Hour), 10); len(got) != 0 {
		t.Fatalf("dep-b claimed dep-a's record: %s", groupsynctest.UserIDs(got))
	}
	if err := b.Remove(ctx, "u", []byte("s")); !errors.Is(err, groupsync.ErrTokenNotFound) {
		t.Fatalf("dep-b removed dep-a's record: %v", err)
	}
	if got := groupsynctest.Claim(t, a, t0, t0.Add(time.Hour), 10); len(got) != 1 {
		t.Fatalf("dep-a lost its record: %s", groupsynctest.UserIDs(got))
	}
}
