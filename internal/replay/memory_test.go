package replay_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/replay"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMemorySeen(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := replay.NewMemory(c.now)

	if seen, err := m.Seen(ctx, "a", c.t.Add(time.Minute)); err != nil || seen {
		t.Fatalf("first Seen = %v, %v; want false, nil", seen, err)
	}
	if seen, _ := m.Seen(ctx, "a", c.t.Add(time.Minute)); !seen {
		t.Fatal("second Seen before expiry = false; want true (replay)")
	}
	if seen, _ := m.Seen(ctx, "b", c.t.Add(time.Minute)); seen {
		t.Fatal("other key reported as seen")
	}
	c.t = c.t.Add(time.Minute)
	if seen, _ := m.Seen(ctx, "a", c.t.Add(time.Minute)); seen {
		t.Fatal("Seen after expiry = true; want false")
	}
}

func TestMemorySweepsExpired(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := replay.NewMemory(c.now)
	for i := range 1000 {
		m.Seen(ctx, strconv.Itoa(i), c.t.Add(time.Second))
	}
	c.t = c.t.Add(time.Hour)
	for i := range 100 {
		m.Seen(ctx, "late"+strconv.Itoa(i), c.t.Add(time.Second))
	}
	if n := m.Len(); n > 100 {
		t.Fatalf("Len = %d after expiry and a sweep; want at most 100", n)
	}
}

func TestMemoryCanceledContext(t *testing.T) {
	m := replay.NewMemory(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Seen(ctx, "a", time.Now().Add(time.Minute)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
}

func TestMemoryConcurrentExactlyOnce(t *testing.T) {
	m := replay.NewMemory(nil)
	until := time.Now().Add(time.Hour)
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			if seen, _ := m.Seen(context.Background(), "same", until); !seen {
				fresh.Add(1)
			}
		})
	}
	wg.Wait()
	if n := fresh.Load(); n != 1 {
		t.Fatalf("%d callers saw the key as new; want exactly 1", n)
	}
}

func ExampleMemory() {
	m := replay.NewMemory(nil)
	until := time.Now().Add(5 * time.Minute)
	first, _ := m.Seen(context.Background(), "assertion-id-1", until)
	again, _ := m.Seen(context.Background(), "assertion-id-1", until)
	fmt.Println(first, again)
	// Output: false true
}
