package syncbuf_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/internal/syncbuf"
)

func TestConcurrentWrites(t *testing.T) {
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { fmt.Fprint(&b, "x") })
	}
	wg.Wait()
	if got := b.String(); got != strings.Repeat("x", 16) {
		t.Fatalf("String() = %q, want 16 x", got)
	}
}

// A logger writing into a Buffer that a test reads.
func ExampleBuffer() {
	var logs syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	log.Info("valid login", "tenant", "acme")
	fmt.Print(logs.String())
	// Output: level=INFO msg="valid login" tenant=acme
}
