package sqlstore_test

import (
	"context"
	"crypto/rand"
	"sync/atomic"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

// hookReader is crypto/rand that runs a hook once, on the first read
// after it is armed.
type hookReader struct {
	armed atomic.Bool
	hook  func()
}

func (h *hookReader) Read(p []byte) (int, error) {
	if h.armed.CompareAndSwap(true, false) {
		h.hook()
	}
	return rand.Read(p)
}

// TestRotateNeverOverwritesAConcurrentSave saves a connection from a
// second instance at the moment Rotate has re-sealed the old value (its
// nonce is being drawn); the rotation must not write the old secret back.
func TestRotateNeverOverwritesAConcurrentSave(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		k1, k2 := newKey(t, "k1"), newKey(t, "k2")
		if _, err := b.open(t, newRing(t, k1)).Put(ctx, "acme", oidcConn()); err != nil {
			t.Fatal(err)
		}
		admin := b.open(t, newRing(t, k2, k1))
		hook := &hookReader{}
		hook.hook = func() {
			c, err := admin.Connection(ctx, "acme", "okta")
			if err != nil {
				t.Error(err)
				return
			}
			c.Parameters.ClientSecret = "saved-during-rotation"
			if _, err := admin.Put(ctx, "acme", *c); err != nil {
				t.Error(err)
			}
		}
		rotating, err := sqlstore.Open(ctx, sqlstore.Config{Dialect: b.dialect, DSN: b.dsn, Keys: newRing(t, k2, k1), Rand: hook})
		if err != nil {
			t.Fatal(err)
		}
		defer rotating.Close()
		hook.armed.Store(true)
		if _, err := rotating.Rotate(ctx); err != nil {
			t.Fatal(err)
		}
		if hook.armed.Load() {
			t.Fatal("the concurrent save never ran")
		}
		c, err := rotating.Connection(ctx, "acme", "okta")
		if err != nil || c.Parameters.ClientSecret != "saved-during-rotation" || c.Version != 2 {
			t.Fatalf("after Rotate: secret %q version %d, %v; the concurrent save was lost", c.Parameters.ClientSecret, c.Version, err)
		}
		if raw := readRaw(t, rotating.DB(), "acme", "okta"); raw.keyID != "k2" {
			t.Fatalf("key id %q, want k2", raw.keyID)
		}
	})
}
