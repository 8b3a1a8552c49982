package redisstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ssokit/ssokit/internal/redistest"
	"github.com/ssokit/ssokit/redisstore"
)

func TestNewValidatesConfig(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = client.Close() })
	tests := []struct {
		name  string
		cfg   redisstore.Config
		field string
	}{
		{"neither client nor address is rejected", redisstore.Config{}, "Addr"},
		{"both client and address are rejected", redisstore.Config{Client: client, Addr: "127.0.0.1:6379"}, "Addr"},
		{"address without port is rejected", redisstore.Config{Addr: "redis.internal"}, "Addr"},
		{"address with empty port is rejected", redisstore.Config{Addr: "redis.internal:"}, "Addr"},
		{"prefix with a hash-tag brace is rejected", redisstore.Config{Addr: "h:1", Prefix: "a{b}:"}, "Prefix"},
		{"prefix with a space is rejected", redisstore.Config{Addr: "h:1", Prefix: "a b"}, "Prefix"},
		{"prefix over 64 bytes is rejected", redisstore.Config{Addr: "h:1", Prefix: strings.Repeat("p", 65)}, "Prefix"},
		{"negative timeout is rejected", redisstore.Config{Addr: "h:1", Timeout: -time.Second}, "Timeout"},
		{"timeout over a minute is rejected", redisstore.Config{Addr: "h:1", Timeout: 61 * time.Second}, "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := redisstore.New(tt.cfg)
			var ce *redisstore.ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("New = %v, %v; want *ConfigError for %s", s, err, tt.field)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	s, err := redisstore.New(redisstore.Config{Addr: "127.0.0.1:6379"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Prefix() != redisstore.DefaultPrefix {
		t.Fatalf("Prefix = %q, want %q", s.Prefix(), redisstore.DefaultPrefix)
	}
	for _, k := range s.TokenKeys() {
		if !strings.HasPrefix(k, "ssokit:tokens:{ssokit:}:") {
			t.Fatalf("token key %q lacks the prefix and hash tag", k)
		}
	}
}

// A client passed in belongs to the caller: Close leaves it usable.
func TestCloseLeavesCallerClient(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	s, err := redisstore.New(redisstore.Config{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("caller's client closed by Store.Close: %v", err)
	}
}
