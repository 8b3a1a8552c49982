package domains_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ssokit/ssokit/domains"
)

// Two instances share one store and one Leaser (in production a
// redisstore.Store; here a MemoryLeaser within one process): each due
// domain is re-checked by only one of them per round.
func ExampleMemoryLeaser() {
	ctx := context.Background()
	leaser := domains.NewMemoryLeaser(nil)
	key := domains.LeaseKeyRecheck + "acme.example"

	release, ok, _ := leaser.Acquire(ctx, key, 20*time.Second)
	fmt.Println("instance A holds the lease:", ok)
	_, ok, _ = leaser.Acquire(ctx, key, 20*time.Second)
	fmt.Println("instance B holds the lease:", ok)
	_ = release(ctx)
	_, ok, _ = leaser.Acquire(ctx, key, 20*time.Second)
	fmt.Println("after A's release, B holds it:", ok)

	svc, _ := domains.New(domains.Config{Lease: leaser})
	_ = svc // svc.Recheck(ctx) now takes domains:recheck:<name> per domain
	// Output:
	// instance A holds the lease: true
	// instance B holds the lease: false
	// after A's release, B holds it: true
}
