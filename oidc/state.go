package oidc

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// MaxStateLength bounds an encoded state value; longer input is refused
// before any decryption.
const MaxStateLength = 4096

const stateVersion = 1

// State is what survives the round trip to the provider, sealed in the
// state parameter.
type State struct {
	ID           string    // random identifier, used for replay protection
	Nonce        string    // nonce sent to the provider
	Verifier     string    // PKCE code verifier
	ReturnTo     string    // where the host sends the user after login
	ConnectionID string    // the host's connection identifier
	Expires      time.Time // end of validity (whole seconds)
}

// stateWire is the JSON form of State inside the sealed value.
type stateWire struct {
	ID           string `json:"id"`
	Nonce        string `json:"n"`
	Verifier     string `json:"pv"`
	ReturnTo     string `json:"rt,omitempty"`
	ConnectionID string `json:"c,omitempty"`
	Exp          int64  `json:"exp"`
}

// sealer encrypts and authenticates states with AES-256-GCM. The additional
// data binds a state to one issuer, client and redirect URL.
type sealer struct {
	aead cipher.AEAD
	aad  []byte
}

func newSealer(key, aad []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("oidc: config: StateKey: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("oidc: config: StateKey: %w", err)
	}
	return &sealer{aead: aead, aad: aad}, nil
}

func stateAAD(c Config) []byte {
	return []byte("ssokit/oidc/state\x00" + c.Issuer + "\x00" + c.ClientID + "\x00" + c.RedirectURL)
}

// seal returns base64url(version || nonce || ciphertext).
func (s *sealer) seal(st State, rnd io.Reader) (string, error) {
	plain, err := json.Marshal(stateWire{
		ID: st.ID, Nonce: st.Nonce, Verifier: st.Verifier,
		ReturnTo: st.ReturnTo, ConnectionID: st.ConnectionID, Exp: st.Expires.Unix(),
	})
	if err != nil {
		return "", err
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = stateVersion
	if _, err := io.ReadFull(rnd, out[1:]); err != nil {
		return "", fmt.Errorf("oidc: reading randomness: %w", err)
	}
	out = s.aead.Seal(out, out[1:], plain, s.aad)
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open decrypts and authenticates a state and checks its expiry.
func (s *sealer) open(value string, now time.Time) (State, error) {
	if value == "" || len(value) > MaxStateLength {
		return State{}, &StateError{Reason: "malformed"}
	}
	raw, err := base64.RawURLEncoding.DecodeString(value)
	ns := s.aead.NonceSize()
	if err != nil || len(raw) < 1+ns+s.aead.Overhead() || raw[0] != stateVersion {
		return State{}, &StateError{Reason: "malformed"}
	}
	plain, err := s.aead.Open(nil, raw[1:1+ns], raw[1+ns:], s.aad)
	if err != nil {
		return State{}, &StateError{Reason: "tampered"}
	}
	var w stateWire
	if err := json.Unmarshal(plain, &w); err != nil || w.ID == "" || w.Nonce == "" || w.Verifier == "" {
		return State{}, &StateError{Reason: "malformed"}
	}
	st := State{ID: w.ID, Nonce: w.Nonce, Verifier: w.Verifier, ReturnTo: w.ReturnTo,
		ConnectionID: w.ConnectionID, Expires: time.Unix(w.Exp, 0)}
	if !now.Before(st.Expires) {
		return State{}, &StateError{Reason: "expired"}
	}
	return st, nil
}

// DecodeState decrypts, authenticates and checks the expiry of a state
// value without consuming it (no replay check, no browser binding). Use it
// to read the return target or connection before calling [RP.Exchange].
// Errors wrap [ErrInvalidState].
func (rp *RP) DecodeState(value string) (State, error) {
	return rp.sealer.open(value, rp.cfg.Now())
}

// consumeState decodes the state, checks that the browser presented the same
// value (double submit), and records it so that it cannot be used twice.
func (rp *RP) consumeState(ctx context.Context, cb Callback) (State, error) {
	st, err := rp.DecodeState(cb.State)
	if err != nil {
		return st, err
	}
	if !rp.cfg.InsecureSkipStateCookie && subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.Cookie)) != 1 {
		return State{}, &StateError{Reason: "not bound to this browser"}
	}
	seen, err := rp.cfg.ReplayCache.Seen(ctx, "oidc-state:"+st.ID, st.Expires)
	if err != nil {
		return State{}, errors.Join(&StateError{Reason: "replay cache unavailable"}, err)
	}
	if seen {
		return State{}, &StateError{Reason: "replayed"}
	}
	return st, nil
}
