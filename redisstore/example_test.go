package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ssokit/ssokit/redisstore"
)

// New validates the configuration without contacting Redis; the store's
// key names show the per-deployment prefix, the hashed replay keys and the
// hash tag that keeps the token keys in one Redis Cluster slot.
func Example() {
	s, err := redisstore.New(redisstore.Config{Addr: "redis.internal:6379", Prefix: "acme-prod:"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	fmt.Println(s.ReplayKey("_a1b2c3-assertion-id"))
	for _, k := range s.TokenKeys() {
		fmt.Println(k)
	}

	_, err = redisstore.New(redisstore.Config{Addr: "redis.internal:6379", Prefix: "acme {prod}"})
	var ce *redisstore.ConfigError
	fmt.Println(errors.As(err, &ce), ce.Field)
	// Output:
	// acme-prod:replay:uIo_TsRHnNdQoDzH8tYVb7bMwHz0OhDj83lQl96iL80
	// acme-prod:tokens:{acme-prod:}:sealed
	// acme-prod:tokens:{acme-prod:}:meta
	// acme-prod:tokens:{acme-prod:}:at
	// acme-prod:tokens:{acme-prod:}:due
	// acme-prod:tokens:{acme-prod:}:claims
	// true Prefix
}

// A replay check as the saml and jwtsso verifiers make it. This example
// needs a Redis server, so it is compiled but not run.
func ExampleStore_Seen() {
	s, err := redisstore.New(redisstore.Config{Addr: "127.0.0.1:6379"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	seen, err := s.Seen(context.Background(), "jti-8f14e45f", time.Now().Add(5*time.Minute))
	switch {
	case errors.Is(err, redisstore.ErrUnavailable):
		fmt.Println("reject the login: replay state unavailable")
	case seen:
		fmt.Println("reject the login: token replayed")
	default:
		fmt.Println("first use")
	}
}
