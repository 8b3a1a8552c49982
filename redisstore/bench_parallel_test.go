package redisstore_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

// BenchmarkSeenParallel is the replay check under concurrent logins, as
// several request goroutines of one instance make it (8 per CPU): every Seen is one
// SET NX PXAT round trip on a pooled connection (go-redis does not batch
// concurrent commands). Beside it, the pipelining floor: 16 SET NX PXAT
// sent in one round trip, which is what a caller checking many keys at
// once could reach; an operation there is 16 keys, so compare keys/s.
func BenchmarkSeenParallel(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	run := 0 // -count reruns sub-benchmarks against the same server
	b.Run("redisstore-parallel", func(b *testing.B) {
		run++
		s := newStore(b, redisstore.Config{Addr: srv.Addr(), Prefix: "benchp" + strconv.Itoa(run) + ":"})
		var n atomic.Int64
		b.SetParallelism(8) // 8 goroutines per CPU: many logins at once
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if seen, err := s.Seen(ctx, "k-"+strconv.FormatInt(n.Add(1), 10), until); err != nil || seen {
					b.Error(seen, err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
	})
	b.Run("go-redis-pipeline-16-floor", func(b *testing.B) {
		run++
		prefix := "rawp" + strconv.Itoa(run) + ":"
		c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, ContextTimeoutEnabled: true})
		defer c.Close()
		keys := 0
		b.ReportAllocs()
		for b.Loop() {
			cmds, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for range 16 {
					keys++
					p.SetArgs(ctx, prefix+strconv.Itoa(keys), "1", redis.SetArgs{Mode: "NX", ExpireAt: until})
				}
				return nil
			})
			if err != nil || len(cmds) != 16 {
				b.Fatal(len(cmds), err)
			}
		}
		b.ReportMetric(float64(keys)/b.Elapsed().Seconds(), "keys/s")
	})
}
