package groupsync

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// sealPrefix versions the sealed format: "gs1.<key id>.<base64url(nonce|ciphertext)>".
const sealPrefix = "gs1."

// maxSealed bounds a sealed value before any decoding or decryption.
const maxSealed = 16 << 10

// SealerConfig configures a [Sealer].
type SealerConfig struct {
	// Keys maps key ids to 32-byte AES-256 keys. Key ids are 1-32 characters
	// of [A-Za-z0-9_-]. Old keys stay here so that values sealed with them
	// still open after rotation.
	Keys map[string][]byte
	// Current is the key id used to seal new values.
	Current string
	// Rand supplies nonces; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Sealer encrypts refresh tokens at rest with AES-256-GCM from the standard
// library. Each value carries the id of its key, so keys can be rotated, and
// is bound to its user id, so a sealed token copied onto another user's row
// does not open.
type Sealer struct {
	aeads   map[string]cipher.AEAD
	current string
	rand    io.Reader
}

// NewSealer validates cfg and returns a Sealer.
func NewSealer(cfg SealerConfig) (*Sealer, error) {
	if len(cfg.Keys) == 0 {
		return nil, &ConfigError{Field: "Keys", Reason: "no keys"}
	}
	s := &Sealer{aeads: make(map[string]cipher.AEAD, len(cfg.Keys)), current: cfg.Current, rand: cfg.Rand}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	for id, key := range cfg.Keys {
		if !validKeyID(id) {
			return nil, &ConfigError{Field: "Keys", Reason: fmt.Sprintf("key id %q must be 1-32 characters of A-Z a-z 0-9 _ -", id)}
		}
		if len(key) != 32 {
			return nil, &ConfigError{Field: "Keys", Reason: fmt.Sprintf("key %q must be 32 bytes, got %d", id, len(key))}
		}
		block, _ := aes.NewCipher(key) // cannot fail for 32 bytes
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads[id] = aead
	}
	if _, ok := s.aeads[cfg.Current]; !ok {
		return nil, &ConfigError{Field: "Current", Reason: fmt.Sprintf("key id %q is not in Keys", cfg.Current)}
	}
	return s, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, c := range id {
		ok := c == '_' || c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

func sealAAD(keyID, userID string) []byte {
	return []byte("ssokit/groupsync refresh token\x00" + keyID + "\x00" + userID)
}

// Seal encrypts token for userID with the current key.
func (s *Sealer) Seal(userID, token string) ([]byte, error) {
	aead := s.aeads[s.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(token)+aead.Overhead())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, fmt.Errorf("groupsync: reading nonce: %w", err)
	}
	ct := aead.Seal(nonce, nonce, []byte(token), sealAAD(s.current, userID))
	out := make([]byte, 0, len(sealPrefix)+len(s.current)+1+base64.RawURLEncoding.EncodedLen(len(ct)))
	out = append(out, sealPrefix...)
	out = append(out, s.current...)
	out = append(out, '.')
	return base64.RawURLEncoding.AppendEncode(out, ct), nil
}

// Open decrypts a value sealed for userID. Every failure wraps
// ErrUnsealable.
func (s *Sealer) Open(userID string, sealed []byte) (string, error) {
	kid, ct, err := s.split(sealed)
	if err != nil {
		return "", err
	}
	aead := s.aeads[kid]
	if len(ct) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("%w: too short", ErrUnsealable)
	}
	pt, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], sealAAD(kid, userID))
	if err != nil {
		return "", fmt.Errorf("%w: authentication failed (wrong user, key or tampered value)", ErrUnsealable)
	}
	return string(pt), nil
}

// NeedsReseal reports whether sealed was made with a key other than the
// current one, so the caller can re-seal it after a rotation.
func (s *Sealer) NeedsReseal(sealed []byte) bool {
	kid, _, err := s.split(sealed)
	return err != nil || kid != s.current
}

func (s *Sealer) split(sealed []byte) (string, []byte, error) {
	if len(sealed) > maxSealed {
		return "", nil, fmt.Errorf("%w: %d bytes is over the %d byte limit", ErrUnsealable, len(sealed), maxSealed)
	}
	rest, ok := bytes.CutPrefix(sealed, []byte(sealPrefix))
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown format", ErrUnsealable)
	}
	kid, body, ok := strings.Cut(string(rest), ".")
	if !ok {
		return "", nil, fmt.Errorf("%w: missing key id", ErrUnsealable)
	}
	if _, known := s.aeads[kid]; !known {
		return "", nil, fmt.Errorf("%w: unknown key id %q", ErrUnsealable, kid)
	}
	ct, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return "", nil, fmt.Errorf("%w: bad encoding", ErrUnsealable)
	}
	return kid, ct, nil
}
