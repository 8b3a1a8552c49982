package redisstore_test

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

// redisServer is a redis-server process started by a test, without
// persistence, listening on 127.0.0.1.
type redisServer struct {
	t    testing.TB
	bin  string
	port int
	args []string // extra redis-server arguments
	cmd  *exec.Cmd
	done chan struct{}
}

// Addr returns "127.0.0.1:port".
func (r *redisServer) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)) }

// startRedis starts a redis-server on a free port and stops it at cleanup.
// It skips the test when redis-server is not installed, unless CI is set.
func startRedis(t testing.TB, args ...string) *redisServer {
	t.Helper()
	r := &redisServer{t: t, bin: lookRedis(t, "redis-server"), port: freePort(t), args: args}
	r.start()
	t.Cleanup(r.stop)
	return r
}

// lookRedis finds a Redis program, skipping the test when it is missing
// unless CI is set.
func lookRedis(t testing.TB, name string) string {
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

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start launches the server on r.port and waits until it answers PING.
func (r *redisServer) start() {
	r.t.Helper()
	args := append([]string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning"}, r.args...)
	r.cmd = exec.Command(r.bin, args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(r.cmd, r.done)
	r.waitReady()
}

// waitReady polls PING with a bounded loop; each attempt has its own short
// deadline and the whole wait is bounded by ten seconds.
func (r *redisServer) waitReady() {
	r.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
	for {
		select {
		case <-r.done:
			r.t.Fatalf("redis-server on port %d exited before answering PING", r.port)
		default:
		}
		if err = c.Ping(ctx).Err(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			r.t.Fatalf("redis-server on port %d did not answer PING: %v", r.port, err)
		case <-tick.C:
		}
	}
}

// stop kills the server and waits for it to exit. It is idempotent.
func (r *redisServer) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// client returns a go-redis client for the server, closed at cleanup.
func (r *redisServer) client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
