package redisstore_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

// startCluster starts a three-master Redis Cluster and returns a cluster
// client for it.
func startCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	cli := redistest.LookPath(t, "redis-cli")
	dir := t.TempDir()
	var addrs []string
	for i := 0; i < 3; i++ {
		port := redistest.FreePort(t)
		srv := redistest.StartOnPort(t, port, "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes-"+strconv.Itoa(port)+".conf"), "--dir", dir)
		addrs = append(addrs, srv.Addr())
	}
	args := append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, MaxRetries: 8, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	// Wait, with a bounded loop, until every node reports the cluster ok.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for _, a := range addrs {
		n := redis.NewClient(&redis.Options{Addr: a, MaxRetries: -1})
		for {
			info, err := n.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			select {
			case <-ctx.Done():
				n.Close()
				t.Fatalf("cluster node %s not ok: %v %q", a, err, info)
			case <-tick.C:
			}
		}
		n.Close()
	}
	return c
}

// The store works on Redis Cluster: the token scripts' keys share one slot
// and replay keys spread over the nodes.
func TestCluster(t *testing.T) {
	c := startCluster(t)
	n := 0
	groupsynctest.TestTokenStore(t, func(t *testing.T) groupsync.TokenStore {
		n++
		return newStore(t, redisstore.Config{Client: c, Prefix: fmt.Sprintf("cl%d:", n)})
	})
	s := newStore(t, redisstore.Config{Client: c})
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	for i := 0; i < 50; i++ {
		key := "cluster-key-" + strconv.Itoa(i)
		for j, want := range []bool{false, true} {
			got, err := s.Seen(ctx, key, until)
			if err != nil || got != want {
				t.Fatalf("%s call %d: Seen = %v, %v; want %v", key, j, got, err, want)
			}
		}
	}
	var masters atomic.Int32 // ForEachMaster calls concurrently
	err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("master %s holds no key: replay keys do not spread", m.Options().Addr)
		}
		masters.Add(1)
		return nil
	})
	if err != nil || masters.Load() != 3 {
		t.Fatalf("keys on %d masters, %v; want all 3", masters.Load(), err)
	}
}
