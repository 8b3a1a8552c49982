package multitest_test

import (
	"context"
	"testing"
	"time"

	"github.com/ssokit/ssokit/internal/redistest"
)

// startRedis starts the shared redis-server; Linux kills it with the test
// process, besides the kill at cleanup.
func startRedis(t testing.TB) *redistest.Server {
	t.Helper()
	return redistest.StartPrepared(t, dieWithParent)
}

// poll calls cond every 10ms until it holds or ctx ends, which fails the
// test. It is the only way these tests wait.
func poll(t testing.TB, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting until %s", what)
		case <-tick.C:
		}
	}
}
