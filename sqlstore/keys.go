package sqlstore

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// maxSealedLen bounds a sealed value before it is decoded.
const maxSealedLen = 1 << 20

// sealPrefix starts every sealed value: format version 1.
const sealPrefix = "v1."

// Key is one AES-256-GCM key of a [KeyRing].
type Key struct {
	// ID names the key in every value it seals, so a value can be opened
	// after the current key changed. 1 to 64 characters of A-Z, a-z,
	// 0-9, '-' and '_'.
	ID string
	// Secret is 32 random bytes, e.g. from the host's secret manager.
	Secret []byte
}

// KeyRing holds the current sealing key and older keys that still open
// values sealed before a rotation. It is immutable and safe for
// concurrent use.
type KeyRing struct {
	current string
	aeads   map[string]cipher.AEAD
}

// Sentinel errors of sealed values.
var (
	// ErrUnknownKey means a value was sealed under a key the ring does
	// not hold (removed too early, or another deployment's data).
	ErrUnknownKey = errors.New("sqlstore: sealed with an unknown key")
	// ErrDecrypt means a sealed value is malformed or fails
	// authentication (tampered, or moved to another row or field).
	ErrDecrypt = errors.New("sqlstore: sealed value cannot be opened")
)

// KeyError reports a key ring mistake found by [NewKeyRing].
type KeyError struct {
	ID     string
	Reason string
}

// Error names the key id and the mistake, never the secret.
func (e *KeyError) Error() string {
	return fmt.Sprintf("sqlstore: key %q: %s", e.ID, e.Reason)
}

// Unwrap returns ErrConfig.
func (e *KeyError) Unwrap() error { return ErrConfig }

// NewKeyRing returns a ring sealing under current and opening values
// sealed under current or any of older. Secrets are copied.
func NewKeyRing(current Key, older ...Key) (*KeyRing, error) {
	r := &KeyRing{current: current.ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range append([]Key{current}, older...) {
		if err := k.check(); err != nil {
			return nil, err
		}
		if _, dup := r.aeads[k.ID]; dup {
			return nil, &KeyError{ID: k.ID, Reason: "duplicate key id"}
		}
		block, err := aes.NewCipher(append([]byte(nil), k.Secret...))
		if err != nil {
			return nil, &KeyError{ID: k.ID, Reason: err.Error()}
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, &KeyError{ID: k.ID, Reason: err.Error()}
		}
		r.aeads[k.ID] = aead
	}
	return r, nil
}

func (k Key) check() error {
	if !validKeyID(k.ID) {
		return &KeyError{ID: k.ID, Reason: "id must be 1-64 characters of A-Z a-z 0-9 - _"}
	}
	if len(k.Secret) != KeySize {
		return &KeyError{ID: k.ID, Reason: fmt.Sprintf("secret must be %d bytes, not %d", KeySize, len(k.Secret))}
	}
	return nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// CurrentID returns the id of the key new values are sealed under.
func (r *KeyRing) CurrentID() string { return r.current }

// seal encrypts plaintext under the current key, binding aad (the row and
// field it belongs to): "v1.<key id>.<base64url(nonce|ciphertext)>".
func (r *KeyRing) seal(rand io.Reader, plaintext, aad []byte) (string, error) {
	aead := r.aeads[r.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return "", fmt.Errorf("sqlstore: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, aad)
	return sealPrefix + r.current + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// open decrypts a sealed value and returns the id of the key that sealed
// it. The value comes from the database and is treated as untrusted.
func (r *KeyRing) open(sealed string, aad []byte) ([]byte, string, error) {
	id, blob, err := parseSealed(sealed)
	if err != nil {
		return nil, "", err
	}
	aead, ok := r.aeads[id]
	if !ok {
		return nil, id, fmt.Errorf("key %q: %w", id, ErrUnknownKey)
	}
	if len(blob) < aead.NonceSize()+aead.Overhead() {
		return nil, id, fmt.Errorf("too short: %w", ErrDecrypt)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, blob[:n], blob[n:], aad)
	if err != nil {
		return nil, id, fmt.Errorf("key %q: %w", id, ErrDecrypt)
	}
	return plain, id, nil
}

// parseSealed splits a sealed value into its key id and decoded bytes.
func parseSealed(sealed string) (string, []byte, error) {
	if len(sealed) > maxSealedLen {
		return "", nil, fmt.Errorf("%d bytes: %w", len(sealed), ErrDecrypt)
	}
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", nil, fmt.Errorf("unknown format: %w", ErrDecrypt)
	}
	id, data, ok := strings.Cut(rest, ".")
	if !ok || !validKeyID(id) {
		return "", nil, fmt.Errorf("bad key id: %w", ErrDecrypt)
	}
	blob, err := base64.RawURLEncoding.DecodeString(data)
	// Only the canonical encoding: the decoder skips newlines.
	if err != nil || base64.RawURLEncoding.EncodeToString(blob) != data {
		return "", nil, fmt.Errorf("bad encoding: %w", ErrDecrypt)
	}
	return id, blob, nil
}
