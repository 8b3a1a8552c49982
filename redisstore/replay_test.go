package redisstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/internal/replay"
	"github.com/ssokit/ssokit/redisstore"
)

// replayCache is the ReplayCache interface that saml and jwtsso declare.
type replayCache interface {
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

var (
	_ replayCache = (*redisstore.Store)(nil)
	_ replayCache = (*replay.Memory)(nil)
)

func newStore(t testing.TB, cfg redisstore.Config) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestSeenRecordsOnce(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, redisstore.Config{Addr: srv.Addr()})
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	for i, want := range []bool{false, true, true} {
		got, err := s.Seen(ctx, "assertion-1", until)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if got != want {
			t.Fatalf("call %d: Seen = %v, want %v", i, got, want)
		}
	}
	if got, err := s.Seen(ctx, "assertion-2", until); err != nil || got {
		t.Fatalf("other key: Seen = %v, %v; want false, nil", got, err)
	}
}

// Many goroutines on several clients (instances) race on one key; exactly
// one must win.
func TestSeenConcurrentExactlyOneWins(t *testing.T) {
	srv := redistest.Start(t)
	const instances, perInstance, keys = 4, 8, 20
	stores := make([]*redisstore.Store, instances)
	for i := range stores {
		stores[i] = newStore(t, redisstore.Config{Addr: srv.Addr()})
	}
	until := time.Now().Add(time.Hour)
	for k := 0; k < keys; k++ {
		key := "jti-" + strings.Repeat("x", k)
		var mu sync.Mutex
		wins, errs := 0, 0
		var wg sync.WaitGroup
		for _, s := range stores {
			for g := 0; g < perInstance; g++ {
				wg.Add(1)
				go func(s *redisstore.Store) {
					defer wg.Done()
					seen, err := s.Seen(context.Background(), key, until)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs++
					} else if !seen {
						wins++
					}
				}(s)
			}
		}
		wg.Wait()
		if wins != 1 || errs != 0 {
			t.Fatalf("key %d: %d callers saw it first and %d failed; want exactly 1 and 0", k, wins, errs)
		}
	}
}

func TestSeenExpiry(t *testing.T) {
	srv := redistest.Start(t)
	raw := srv.Client(t)
	s := newStore(t, redisstore.Config{Addr: srv.Addr()})
	ctx := context.Background()

	t.Run("entry expires at until, set absolutely", func(t *testing.T) {
		until := time.Now().Add(90 * time.Minute).Truncate(time.Millisecond).Add(123 * time.Millisecond)
		if _, err := s.Seen(ctx, "k1", until); err != nil {
			t.Fatal(err)
		}
		got, err := raw.Do(ctx, "PEXPIRETIME", s.ReplayKey("k1")).Int64()
		if err != nil {
			t.Fatal(err)
		}
		if got != until.UnixMilli() {
			t.Fatalf("PEXPIRETIME = %d, want %d", got, until.UnixMilli())
		}
	})
	t.Run("sub-millisecond until is rounded up, never down", func(t *testing.T) {
		until := time.Now().Add(time.Hour).Truncate(time.Millisecond).Add(400 * time.Microsecond)
		if _, err := s.Seen(ctx, "k1b", until); err != nil {
			t.Fatal(err)
		}
		got, err := raw.Do(ctx, "PEXPIRETIME", s.ReplayKey("k1b")).Int64()
		if err != nil {
			t.Fatal(err)
		}
		if want := until.Truncate(time.Millisecond).UnixMilli() + 1; got != want {
			t.Fatalf("PEXPIRETIME = %d, want %d", got, want)
		}
	})
	t.Run("expired entry is forgotten", func(t *testing.T) {
		if _, err := s.Seen(ctx, "k2", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Expire it now on the server, as time passing would.
		if err := raw.PExpireAt(ctx, s.ReplayKey("k2"), time.Now().Add(-time.Second)).Err(); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Seen(ctx, "k2", time.Now().Add(time.Hour)); err != nil || got {
			t.Fatalf("after expiry Seen = %v, %v; want false, nil", got, err)
		}
		if got, err := s.Seen(ctx, "k2", time.Now().Add(time.Hour)); err != nil || !got {
			t.Fatalf("re-recorded key: Seen = %v, %v; want true, nil", got, err)
		}
	})
	t.Run("until in the past is not remembered", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if got, err := s.Seen(ctx, "k3", time.Now().Add(-time.Minute)); err != nil || got {
				t.Fatalf("call %d: Seen = %v, %v; want false, nil", i, got, err)
			}
		}
	})
	t.Run("zero until does not error", func(t *testing.T) {
		if got, err := s.Seen(ctx, "k4", time.Time{}); err != nil || got {
			t.Fatalf("Seen = %v, %v; want false, nil", got, err)
		}
	})
	t.Run("a live entry stays seen whatever the new until", func(t *testing.T) {
		if _, err := s.Seen(ctx, "k5", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Seen(ctx, "k5", time.Now().Add(-time.Hour)); err != nil || !got {
			t.Fatalf("Seen = %v, %v; want true, nil", got, err)
		}
	})
}

func TestSeenNamespacing(t *testing.T) {
	srv := redistest.Start(t)
	a := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "tenant-a:"})
	b := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "tenant-b:"})
	a2 := newStore(t, redisstore.Config{Client: srv.Client(t), Prefix: "tenant-a:"})
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	if got, err := a.Seen(ctx, "id", until); err != nil || got {
		t.Fatalf("a first: %v, %v", got, err)
	}
	if got, err := b.Seen(ctx, "id", until); err != nil || got {
		t.Fatalf("b must not see a's key: %v, %v", got, err)
	}
	if got, err := a2.Seen(ctx, "id", until); err != nil || !got {
		t.Fatalf("same prefix through another client must see it: %v, %v", got, err)
	}
}

func TestReplayKeyBoundedAndPrefixed(t *testing.T) {
	s := newStore(t, redisstore.Config{Addr: "127.0.0.1:1", Prefix: "dep1:"})
	long := s.ReplayKey(strings.Repeat("a", 1<<20))
	short := s.ReplayKey("")
	for _, k := range []string{long, short} {
		if !strings.HasPrefix(k, "dep1:replay:") || len(k) != len("dep1:replay:")+43 {
			t.Fatalf("ReplayKey = %q; want dep1:replay: and 43 bytes of hash", k)
		}
	}
	if long == short {
		t.Fatal("different keys map to the same Redis key")
	}
}
