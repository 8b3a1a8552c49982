package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/sqlstore"
)

func rec(uid string, next time.Time, sealed string) groupsync.TokenRecord {
	return groupsync.TokenRecord{UserID: uid, Connection: "okta-" + uid, Mode: groupsync.ModeStrict,
		Sealed: []byte(sealed), NextAt: next, Failures: 2}
}

func sameRecord(a, b groupsync.TokenRecord) bool {
	return a.UserID == b.UserID && a.Connection == b.Connection && a.Mode == b.Mode &&
		bytes.Equal(a.Sealed, b.Sealed) && a.NextAt.Equal(b.NextAt) && a.Failures == b.Failures && a.Revoked == b.Revoked
}

func claimed(t *testing.T, s groupsync.TokenStore, now, lease time.Time, limit int) []groupsync.TokenRecord {
	t.Helper()
	got, err := s.Claim(context.Background(), now, lease, limit)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return got
}

func userIDs(recs []groupsync.TokenRecord) string {
	var b bytes.Buffer
	for _, r := range recs {
		fmt.Fprintf(&b, "%s ", r.UserID)
	}
	return b.String()
}

// TestTokenStoreConformance runs groupsynctest's TokenStore suite (the one
// redisstore passes) and this package's own cases against
// groupsync.MemoryTokens, SQLite and PostgreSQL.
func TestTokenStoreConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		tokenSuite(t, func(*testing.T) groupsync.TokenStore { return groupsync.NewMemoryTokens() })
	})
	t.Run("sqlite", func(t *testing.T) {
		tokenSuite(t, func(t *testing.T) groupsync.TokenStore {
			return newSQLite(t).open(t, newRing(t, newKey(t, "k1"))).SyncTokens()
		})
	})
	t.Run("postgres", func(t *testing.T) {
		newPostgres(t) // skips without a server
		tokenSuite(t, func(t *testing.T) groupsync.TokenStore {
			return newPostgres(t).open(t, newRing(t, newKey(t, "k1"))).SyncTokens()
		})
	})
}

func tokenSuite(t *testing.T, open func(t *testing.T) groupsync.TokenStore) {
	groupsynctest.TestTokenStore(t, open)
	ctx := context.Background()
	t.Run("put then claim returns the record and leases it", func(t *testing.T) {
		s := open(t)
		want := rec("u1", t0, "sealed-1")
		want.Revoked = true
		if err := s.Put(ctx, want); err != nil {
			t.Fatal(err)
		}
		if got := claimed(t, s, t0, t0.Add(time.Minute), 10); len(got) != 1 || !sameRecord(got[0], want) {
			t.Fatalf("Claim = %+v, want [%+v]", got, want)
		}
		if again := claimed(t, s, t0.Add(time.Minute-1), t0.Add(time.Hour), 10); len(again) != 0 {
			t.Fatalf("leased record claimed again: %s", userIDs(again))
		}
		want.NextAt = t0.Add(time.Minute)
		if after := claimed(t, s, t0.Add(time.Minute), t0.Add(time.Hour), 10); len(after) != 1 || !sameRecord(after[0], want) {
			t.Fatalf("Claim at lease end = %+v", after)
		}
	})
	t.Run("oldest due first, limit, nanosecond due time", func(t *testing.T) {
		s := open(t)
		for i, uid := range []string{"c", "a", "d", "b"} {
			s.Put(ctx, rec(uid, t0.Add(-time.Duration(i)*time.Second), "x"))
		}
		s.Put(ctx, rec("late", t0.Add(time.Nanosecond), "x"))
		if got := userIDs(claimed(t, s, t0, t0.Add(time.Hour), 3)); got != "b d a " {
			t.Fatalf("claimed %q", got)
		}
		if got := userIDs(claimed(t, s, t0, t0.Add(time.Hour), 3)); got != "c " {
			t.Fatalf("second claim %q", got)
		}
		if got := claimed(t, s, t0.Add(2*time.Hour), t0.Add(3*time.Hour), 0); len(got) != 0 {
			t.Fatalf("limit 0 claimed %s", userIDs(got))
		}
	})
	t.Run("zero NextAt is due", func(t *testing.T) {
		s := open(t)
		s.Put(ctx, rec("z", time.Time{}, "x"))
		if got := claimed(t, s, t0, t0.Add(time.Hour), 10); len(got) != 1 || !got[0].NextAt.IsZero() {
			t.Fatalf("Claim = %+v", got)
		}
	})
	t.Run("replace and remove are compare-and-swap", func(t *testing.T) {
		s := open(t)
		if err := s.Replace(ctx, []byte("x"), rec("nobody", t0, "y")); !errors.Is(err, groupsync.ErrTokenNotFound) {
			t.Fatalf("replace missing: %v", err)
		}
		s.Put(ctx, rec("u", t0, "v1"))
		if err := s.Replace(ctx, []byte("v0"), rec("u", t0, "bad")); !errors.Is(err, groupsync.ErrTokenConflict) {
			t.Fatalf("replace stale: %v", err)
		}
		next := rec("u", t0.Add(time.Hour), "v2")
		next.Mode = groupsync.ModeAdditive
		if err := s.Replace(ctx, []byte("v1"), next); err != nil {
			t.Fatalf("replace current: %v", err)
		}
		if got := claimed(t, s, t0.Add(time.Hour), t0.Add(2*time.Hour), 10); len(got) != 1 || !sameRecord(got[0], next) {
			t.Fatalf("Claim = %+v, want [%+v]", got, next)
		}
		if err := s.Remove(ctx, "u", []byte("v1")); !errors.Is(err, groupsync.ErrTokenConflict) {
			t.Fatalf("remove stale: %v", err)
		}
		if err := s.Remove(ctx, "u", []byte("v2")); err != nil {
			t.Fatalf("remove current: %v", err)
		}
		if err := s.Remove(ctx, "u", []byte("v2")); !errors.Is(err, groupsync.ErrTokenNotFound) {
			t.Fatalf("remove again: %v", err)
		}
	})
	t.Run("binary tokens and odd user ids round-trip", func(t *testing.T) {
		s := open(t)
		sealed := "\x00\xff:{}\n" + string(bytes.Repeat([]byte{0x80}, 300))
		want := rec("user:with:colons/ü\x00", t0, sealed)
		s.Put(ctx, want)
		if got := claimed(t, s, t0, t0.Add(time.Hour), 10); len(got) != 1 || !sameRecord(got[0], want) {
			t.Fatalf("Claim = %+v", got)
		}
		if err := s.Remove(ctx, want.UserID, []byte(sealed)); err != nil {
			t.Fatalf("remove with binary token: %v", err)
		}
	})
}

// TestClaimConcurrentWorkersNeverShareAUser: two instances claim from
// the same due set at once; no user is handed to both.
func TestClaimConcurrentWorkersNeverShareAUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		keys := newRing(t, newKey(t, "k1"))
		a, c := b.open(t, keys).SyncTokens(), b.open(t, keys).SyncTokens()
		for i := range 40 {
			a.Put(context.Background(), rec(fmt.Sprintf("u%02d", i), t0, "x"))
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for _, s := range []*sqlstore.SyncTokens{a, c, a, c} {
			wg.Go(func() {
				for {
					got, err := s.Claim(context.Background(), t0, t0.Add(time.Hour), 5)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, r := range got {
						seen[r.UserID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Fatalf("claimed %d users, want 40", len(seen))
		}
		for u, n := range seen {
			if n != 1 {
				t.Fatalf("user %s claimed %d times", u, n)
			}
		}
	})
}
