package redisstore_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

// every store operation, for the fail-closed checks.
var ops = []struct {
	name string
	call func(ctx context.Context, s *redisstore.Store) error
}{
	{"seen", func(ctx context.Context, s *redisstore.Store) error {
		seen, err := s.Seen(ctx, "id-1", time.Now().Add(time.Hour))
		if err != nil && !seen {
			return errors.New("Seen reported an unseen key together with an error")
		}
		return err
	}},
	{"put", func(ctx context.Context, s *redisstore.Store) error { return s.Put(ctx, rec("u", t0, "a")) }},
	{"claim", func(ctx context.Context, s *redisstore.Store) error {
		_, err := s.Claim(ctx, t0, t0.Add(time.Minute), 10)
		return err
	}},
	{"replace", func(ctx context.Context, s *redisstore.Store) error {
		return s.Replace(ctx, []byte("a"), rec("u", t0, "b"))
	}},
	{"remove", func(ctx context.Context, s *redisstore.Store) error { return s.Remove(ctx, "u", []byte("a")) }},
	{"acquire", func(ctx context.Context, s *redisstore.Store) error {
		release, ok, err := s.Acquire(ctx, "domains:recheck:a.example", time.Minute)
		if err != nil && (ok || release != nil) {
			return errors.New("Acquire reported a lease together with an error")
		}
		return err
	}},
}

// checkUnavailable runs every operation under a generous outer deadline
// and wants ErrUnavailable from each, returned before that deadline.
func checkUnavailable(t *testing.T, s *redisstore.Store, wantCause error, wantKind string) {
	t.Helper()
	for _, op := range ops {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := op.call(ctx, s)
		outer := ctx.Err()
		cancel()
		if !errors.Is(err, redisstore.ErrUnavailable) {
			t.Errorf("%s: err = %v, want ErrUnavailable", op.name, err)
			continue
		}
		if outer != nil {
			t.Errorf("%s: returned only after the outer deadline (hung)", op.name)
		}
		var ue *redisstore.UnavailableError
		if !errors.As(err, &ue) || ue.Op != op.name || ue.Err == nil {
			t.Errorf("%s: err = %#v, want *UnavailableError with op and cause", op.name, err)
		}
		if wantCause != nil && !errors.Is(err, wantCause) {
			t.Errorf("%s: cause %v, want %v", op.name, errors.Unwrap(err), wantCause)
		}
		if want := "redisstore: " + op.name + ": redis unavailable (" + wantKind + ")"; err.Error() != want {
			t.Errorf("%s: Error() = %q, want %q", op.name, err.Error(), want)
		}
		if strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%s: Error() leaks the address: %q", op.name, err.Error())
		}
	}
}

// Kill Redis mid-test: every call fails closed with ErrUnavailable and
// none hangs; restart it on the same port and the same store works again.
func TestRedisDownFailsClosedAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s := newStore(t, redisstore.Config{Addr: srv.Addr(), Timeout: time.Second})
	if seen, err := s.Seen(ctx, "before", time.Now().Add(time.Hour)); err != nil || seen {
		t.Fatalf("before: %v, %v", seen, err)
	}
	if err := s.Put(ctx, rec("u", t0, "a")); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	checkUnavailable(t, s, nil, "network error")

	srv.Start() // same port, empty data (no persistence)
	if seen, err := s.Seen(ctx, "after", time.Now().Add(time.Hour)); err != nil || seen {
		t.Fatalf("after restart: Seen = %v, %v; want false, nil", seen, err)
	}
	if seen, err := s.Seen(ctx, "after", time.Now().Add(time.Hour)); err != nil || !seen {
		t.Fatalf("after restart, second call: Seen = %v, %v; want true, nil", seen, err)
	}
	// Scripts are gone from the new server's cache; they are loaded again.
	if err := s.Put(ctx, rec("u", t0, "a")); err != nil {
		t.Fatalf("Put after restart: %v", err)
	}
	if err := s.Replace(ctx, []byte("a"), rec("u", t0, "b")); err != nil {
		t.Fatalf("Replace after restart: %v", err)
	}
	if got := groupsynctest.Claim(t, s, t0, t0.Add(time.Hour), 10); len(got) != 1 {
		t.Fatalf("Claim after restart: %s", groupsynctest.UserIDs(got))
	}
}

// A server that accepts connections and never answers must not hold a
// call past the store's timeout.
func TestStalledRedisTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // read nothing, answer nothing
		}
	}()
	s := newStore(t, redisstore.Config{Addr: l.Addr().String(), Timeout: 100 * time.Millisecond})
	checkUnavailable(t, s, nil, "timed out")
}

func TestCallerContextEnded(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, redisstore.Config{Addr: srv.Addr()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	seen, err := s.Seen(ctx, "k", time.Now().Add(time.Hour))
	if !seen || !errors.Is(err, redisstore.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Seen = %v, %v; want true, ErrUnavailable wrapping context.Canceled", seen, err)
	}
	err = s.Put(ctx, groupsync.TokenRecord{UserID: "u"})
	if !errors.Is(err, redisstore.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v; want ErrUnavailable wrapping context.Canceled", err)
	}
}

// Another program writing under the prefix makes calls fail with a clear
// error, not a panic or a wrong answer.
func TestForeignDataUnderPrefix(t *testing.T) {
	srv := redistest.Start(t)
	raw := srv.Client(t)
	ctx := context.Background()
	t.Run("wrong key type is reported with the server's reply", func(t *testing.T) {
		s := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "wrongtype:"})
		if err := raw.Set(ctx, s.TokenKeys()[0], "not a hash", 0).Err(); err != nil {
			t.Fatal(err)
		}
		err := s.Put(ctx, rec("u", t0, "a"))
		if !errors.Is(err, redisstore.ErrUnavailable) || !strings.Contains(err.Error(), "server replied: WRONGTYPE") {
			t.Fatalf("Put = %v; want ErrUnavailable quoting WRONGTYPE", err)
		}
	})
	t.Run("undecodable metadata is ErrCorrupt", func(t *testing.T) {
		s := newStore(t, redisstore.Config{Addr: srv.Addr(), Prefix: "corrupt:"})
		if err := s.Put(ctx, rec("u", t0, "a")); err != nil {
			t.Fatal(err)
		}
		if err := raw.HSet(ctx, s.TokenKeys()[1], "u", "{not json").Err(); err != nil {
			t.Fatal(err)
		}
		_, err := s.Claim(ctx, t0, t0.Add(time.Hour), 10)
		var ce *redisstore.CorruptError
		if !errors.Is(err, redisstore.ErrCorrupt) || !errors.As(err, &ce) || ce.UserID != "u" {
			t.Fatalf("Claim = %v; want *CorruptError for u", err)
		}
	})
}
