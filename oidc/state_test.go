package oidc_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ssokit/ssokit/oidc"
)

func TestDecodeState(t *testing.T) {
	e := newEnv(t, nil, nil)
	l, err := e.rp.Begin(context.Background(), oidc.LoginRequest{ReturnTo: "/x", ConnectionID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.rp.DecodeState(l.State)
	if err != nil {
		t.Fatal(err)
	}
	if st.ReturnTo != "/x" || st.ConnectionID != "c1" || len(st.Verifier) != 43 || st.Nonce == "" || !st.Expires.Equal(l.Expires) {
		t.Errorf("state = %+v", st)
	}
	// Decoding does not consume: the login still completes.
	cb, err := e.op.Authorize(context.Background(), l.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rp.Exchange(context.Background(), callbackFrom(t, cb, l.State)); err != nil {
		t.Fatal(err)
	}
	other := newEnv(t, nil, func(c *oidc.Config) { c.StateKey = []byte("0123456789abcdef0123456789abcdef") })
	if _, err := other.rp.DecodeState(l.State); !errors.Is(err, oidc.ErrInvalidState) {
		t.Errorf("state opened under another key: %v", err)
	}
}
