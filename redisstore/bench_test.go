package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/internal/replay"
	"github.com/ssokit/ssokit/redisstore"
)

// BenchmarkSeen compares a first-use replay check through the store with
// the raw go-redis SET NX PXAT round trip it wraps (the floor) and with the
// in-memory cache of a single instance.
func BenchmarkSeen(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	run := 0 // -count reruns sub-benchmarks against the same server
	b.Run("redisstore", func(b *testing.B) {
		run++
		s := newStore(b, redisstore.Config{Addr: srv.Addr(), Prefix: "bench" + strconv.Itoa(run) + ":"})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if seen, err := s.Seen(ctx, "store-"+strconv.Itoa(i), until); err != nil || seen {
				b.Fatal(seen, err)
			}
		}
	})
	b.Run("go-redis-SET-NX-floor", func(b *testing.B) {
		run++
		prefix := "raw" + strconv.Itoa(run) + ":"
		c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, ContextTimeoutEnabled: true})
		defer c.Close()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			err := c.SetArgs(ctx, prefix+strconv.Itoa(i), "1", redis.SetArgs{Mode: "NX", ExpireAt: until}).Err()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("internal-replay-memory", func(b *testing.B) {
		m := replay.NewMemory(nil)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if seen, err := m.Seen(ctx, "mem-"+strconv.Itoa(i), until); err != nil || seen {
				b.Fatal(seen, err)
			}
		}
	})
}

// BenchmarkClaim claims a batch of 100 due users per operation, among
// 10,000 stored; each claim's lease end is the next claim's now, so every
// operation claims a full batch.
func BenchmarkClaim(b *testing.B) {
	const stored, batch = 10000, 100
	srv := redistest.Start(b)
	ctx := context.Background()
	fill := func(b *testing.B, s groupsync.TokenStore) {
		for i := 0; i < stored; i++ {
			r := rec(fmt.Sprintf("user-%05d", i), t0.Add(time.Duration(i)*time.Second), "sealed-refresh-token-of-about-sixty-four-bytes-xxxxxxxxxxxxxxxx")
			if i >= batch {
				r.NextAt = t0.AddDate(100, 0, 0) // not due
			}
			if err := s.Put(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	claimLoop := func(b *testing.B, s groupsync.TokenStore) {
		b.ReportAllocs()
		now := t0.Add(time.Hour)
		for b.Loop() {
			got, err := s.Claim(ctx, now, now.Add(time.Hour), batch)
			if err != nil || len(got) != batch {
				b.Fatal(len(got), err)
			}
			now = now.Add(time.Hour)
		}
	}
	run := 0 // -count reruns sub-benchmarks against the same server
	b.Run("redisstore", func(b *testing.B) {
		run++
		s := newStore(b, redisstore.Config{Addr: srv.Addr(), Prefix: "bench-claim" + strconv.Itoa(run) + ":"})
		fill(b, s)
		claimLoop(b, s)
	})
	b.Run("go-redis-read-floor", func(b *testing.B) {
		// The reads alone, without the lease writes or atomicity: a range
		// of the due index and the batch's sealed tokens, pipelined.
		s := newStore(b, redisstore.Config{Addr: srv.Addr(), Prefix: "bench-floor:"})
		fill(b, s)
		keys := s.TokenKeys()
		c := srv.Client(b)
		b.ReportAllocs()
		for b.Loop() {
			ms, err := c.ZRangeByLex(ctx, keys[3], &redis.ZRangeBy{Min: "-", Max: "+", Count: batch}).Result()
			if err != nil || len(ms) != batch {
				b.Fatal(len(ms), err)
			}
			uids := make([]string, len(ms))
			for i, m := range ms {
				uids[i] = m[29:]
			}
			if err := c.HMGet(ctx, keys[0], uids...).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("groupsync-memory", func(b *testing.B) {
		s := groupsync.NewMemoryTokens()
		fill(b, s)
		claimLoop(b, s)
	})
}
