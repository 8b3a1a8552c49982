package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix used when Config.Prefix is empty.
const DefaultPrefix = "ssokit:"

// DefaultTimeout bounds every store call when Config.Timeout is zero.
const DefaultTimeout = 2 * time.Second

const (
	maxPrefixLen = 64
	maxTimeout   = time.Minute
)

// Config configures a Store. Set exactly one of Client and Addr.
type Config struct {
	// Client is the Redis client to use: a *redis.Client, a cluster client,
	// a failover (sentinel) client or a ring. The caller owns it and closes
	// it; Close leaves it open. Give it ContextTimeoutEnabled (or small
	// read/write timeouts) so that a stalled server cannot hold a call past
	// Timeout.
	Client redis.UniversalClient

	// Addr is a "host:port" address. New then creates a single-node client
	// with dial, read and write timeouts of Timeout, context deadlines
	// enabled, one dial attempt per call and no automatic command retries
	// (a retried SET NX or script could report its own first write as a
	// replay or a conflict), and Close closes it.
	Addr string

	// Prefix starts every key the store writes, so that several deployments
	// can share one Redis. Letters, digits and ":._-" only, at most 64
	// bytes. Empty means DefaultPrefix.
	Prefix string

	// Timeout bounds every call (a context deadline added to the caller's
	// context). Zero means DefaultTimeout; at most one minute.
	Timeout time.Duration

	// Rand is the source of lease tokens (Acquire). Nil means
	// crypto/rand.Reader.
	Rand io.Reader
}

// Store is a Redis-backed replay cache and groupsync.TokenStore. It is safe
// for concurrent use by many goroutines and many processes.
type Store struct {
	client  redis.UniversalClient
	owned   bool
	prefix  string
	timeout time.Duration
	keys    tokenKeys
	rand    io.Reader
}

// New validates cfg and returns a store. It does not contact Redis: the
// first call does, and a Redis that is down then fails that call with
// ErrUnavailable.
func New(cfg Config) (*Store, error) {
	if err := validate(&cfg); err != nil {
		return nil, err
	}
	s := &Store{client: cfg.Client, prefix: cfg.Prefix, timeout: cfg.Timeout, rand: cfg.Rand}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.client == nil {
		s.client = redis.NewClient(&redis.Options{
			Addr:                  cfg.Addr,
			DialTimeout:           cfg.Timeout,
			ReadTimeout:           cfg.Timeout,
			WriteTimeout:          cfg.Timeout,
			ContextTimeoutEnabled: true,
			MaxRetries:            -1,
			DialerRetries:         1,
		})
		s.owned = true
	}
	s.keys = newTokenKeys(s.prefix)
	return s, nil
}

func validate(cfg *Config) error {
	switch {
	case cfg.Client != nil && cfg.Addr != "":
		return &ConfigError{Field: "Addr", Reason: "set either Client or Addr, not both"}
	case cfg.Client == nil && cfg.Addr == "":
		return &ConfigError{Field: "Addr", Reason: "set Client or Addr"}
	}
	if cfg.Addr != "" {
		if _, port, err := net.SplitHostPort(cfg.Addr); err != nil || port == "" {
			return &ConfigError{Field: "Addr", Reason: "want host:port"}
		}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if len(cfg.Prefix) > maxPrefixLen {
		return &ConfigError{Field: "Prefix", Reason: "longer than 64 bytes"}
	}
	for _, c := range []byte(cfg.Prefix) {
		if !prefixByte(c) {
			return &ConfigError{Field: "Prefix", Reason: "only letters, digits and \":._-\" are allowed"}
		}
	}
	switch {
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	case cfg.Timeout < 0:
		return &ConfigError{Field: "Timeout", Reason: "negative"}
	case cfg.Timeout > maxTimeout:
		return &ConfigError{Field: "Timeout", Reason: "above one minute"}
	}
	return nil
}

func prefixByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == ':' || c == '.' || c == '_' || c == '-'
}

// Close closes the client New created from Config.Addr. A client passed in
// Config.Client is left open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// Prefix returns the key prefix in use.
func (s *Store) Prefix() string { return s.prefix }

// call returns ctx bounded by the store's timeout.
func (s *Store) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// unavailable wraps a failed round trip. A caller's context error stays
// visible through errors.Is.
func unavailable(op string, err error) error {
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return err
	}
	return &UnavailableError{Op: op, Err: err}
}
