package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"github.com/ssokit/ssokit/sqlstore"
)

func rec(uid string, next time.Time, sealed string) groupsync.TokenRecord {
	return groupsync.TokenRecord{UserID: uid, Connection: "okta-" + uid, Mode: groupsync.ModeStrict,
		Sealed: []byte(sealed), NextAt: next, Failures: 2}
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
}

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
