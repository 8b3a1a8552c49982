package oidc_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ssokit/ssokit/oidc"
)

func TestKeyRotation(t *testing.T) {
	e := newEnv(t, nil, nil)
	if _, err := e.fullLogin(t); err != nil {
		t.Fatal(err)
	}
	if err := e.op.RotateKey(true); err != nil {
		t.Fatal(err)
	}
	// The new kid is unknown to the cached key set: the relying party
	// fetches the key set again, once, and accepts the token.
	if _, err := e.fullLogin(t); err != nil {
		t.Fatalf("login after key rotation: %v", err)
	}
	if n := e.op.JWKSRequests(); n != 2 {
		t.Errorf("key set fetched %d times, want 2", n)
	}
}

func TestKeySetRefreshIsShared(t *testing.T) {
	e := newEnv(t, nil, nil)
	tok, err := e.fullLogin(t)
	if err != nil {
		t.Fatal(err)
	}
	raw, nonce := tok.IDToken.Raw, tok.IDToken.Claims["nonce"].(string)
	// A fresh relying party has an empty key cache: many concurrent
	// verifications share the fetch instead of each fetching the key set.
	rp, err := oidc.New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rp.Discover(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := e.op.JWKSRequests()
	const callers = 16
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := rp.VerifyIDToken(context.Background(), raw, nonce)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// go-oidc coalesces concurrent fetches; a caller that read the empty
	// cache just before the first fetch finished may start a second one.
	if n := e.op.JWKSRequests() - before; n < 1 || n > 2 {
		t.Errorf("%d callers fetched the key set %d times", callers, n)
	}
}
