package redistest_test

import (
	"fmt"
	"testing"

	"github.com/ssokit/ssokit/internal/redistest"
)

func TestStartStopRestart(t *testing.T) {
	s := redistest.Start(t)
	c := s.Client(t)
	if err := c.Set(t.Context(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if s.Process() != nil {
		t.Fatal("Process() after Stop is not nil")
	}
	if err := c.Ping(t.Context()).Err(); err == nil {
		t.Fatal("PING answered after Stop")
	}
	s.Start()
	if n, err := c.Exists(t.Context(), "k").Result(); err != nil || n != 0 {
		t.Fatalf("after restart Exists = %d, %v; want an empty server", n, err)
	}
}

// In a test: start a server, use it, and let cleanup stop it. (Not run:
// it needs redis-server and a *testing.T.)
func ExampleStart() {
	var t *testing.T // the test's own
	s := redistest.Start(t)
	fmt.Println(s.Addr())
}
