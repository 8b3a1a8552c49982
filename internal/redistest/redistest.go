package redistest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process started by a test.
type Server struct {
	t    testing.TB
	bin  string
	port int
	args []string
	cmd  *exec.Cmd
	done chan struct{}

	// Prepare, when set, is called on each command before it starts
	// (for example to make Linux kill the server with the test process).
	Prepare func(*exec.Cmd)
}

// Start starts a redis-server on a free port with the extra arguments
// args, waits until it answers PING, and stops it at cleanup.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	return start(t, FreePort(t), nil, args)
}

// StartOnPort is Start on a given port (a cluster's nodes need known ports).
func StartOnPort(t testing.TB, port int, args ...string) *Server {
	t.Helper()
	return start(t, port, nil, args)
}

// StartPrepared is Start with a Prepare function set before the first start.
func StartPrepared(t testing.TB, prepare func(*exec.Cmd), args ...string) *Server {
	t.Helper()
	return start(t, FreePort(t), prepare, args)
}

func start(t testing.TB, port int, prepare func(*exec.Cmd), args []string) *Server {
	t.Helper()
	s := &Server{t: t, bin: LookPath(t, "redis-server"), port: port, args: args, Prepare: prepare}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// LookPath finds a Redis program such as redis-server or redis-cli. It
// skips the test when the program is missing, or fails it when CI is set.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found but CI is set (.ci/setup.d/10-redis.sh installs it): %v", name, err)
		}
		t.Skipf("%s not installed; apt-get install redis-server (or run .ci/setup.d/10-redis.sh) to run the Redis tests", name)
	}
	return bin
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port returns the server's port.
func (s *Server) Port() int { return s.port }

// Process returns the running server's process (to stop it with SIGSTOP,
// say), or nil when it is stopped.
func (s *Server) Process() *os.Process {
	if s.cmd == nil {
		return nil
	}
	return s.cmd.Process
}

// Start (re)starts the server on its port, empty, and waits until it
// answers PING. Start after Stop restarts a crashed server.
func (s *Server) Start() {
	s.t.Helper()
	args := append([]string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning"}, s.args...)
	s.cmd = exec.Command(s.bin, args...)
	if s.Prepare != nil {
		s.Prepare(s.cmd)
	}
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.cmd, s.done)
	s.waitReady()
}

// waitReady polls PING with a bounded loop; each attempt has its own short
// deadline and the whole wait is bounded by ten seconds.
func (s *Server) waitReady() {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
	for {
		select {
		case <-s.done:
			s.t.Fatalf("redis-server on port %d exited before answering PING", s.port)
		default:
		}
		if err = c.Ping(ctx).Err(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("redis-server on port %d did not answer PING: %v", s.port, err)
		case <-tick.C:
		}
	}
}

// Stop kills the server (SIGKILL, as a crash) and waits for it to exit.
// It is idempotent.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Client returns a go-redis client for the server, closed at cleanup.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
