package setup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxLinkTokenBytes bounds a setup link token before any work is done.
const MaxLinkTokenBytes = 512

// ErrLinkInvalid is wrapped by every rejected setup link token.
var ErrLinkInvalid = errors.New("setup: invalid setup link")

// LinkExpiredError is a correctly signed setup link past its expiry.
type LinkExpiredError struct {
	Tenant  string
	Expired time.Time
}

// Error says when the link expired and to ask for a new one.
func (e *LinkExpiredError) Error() string {
	return fmt.Sprintf("setup: the setup link for %q expired at %s; ask for a new one", e.Tenant, e.Expired.UTC().Format(time.RFC3339))
}

// Unwrap gives ErrLinkInvalid.
func (e *LinkExpiredError) Unwrap() error { return ErrLinkInvalid }

// Link is a verified setup link.
type Link struct {
	Tenant  string
	Expires time.Time
}

// NewLink returns a setup link URL granting its holder the setup of one
// tenant until ttl has passed. Send it to the customer's IT admin.
func (h *Handler) NewLink(tenant string, ttl time.Duration) (string, error) {
	tok, err := h.linkToken(tenant, h.cfg.Now().Add(ttl))
	if err != nil {
		return "", err
	}
	return h.base + "/link?token=" + tok, nil
}

func (h *Handler) linkToken(tenant string, exp time.Time) (string, error) {
	if tenant == "" || len(tenant) > 200 {
		return "", fmt.Errorf("setup: tenant must be 1 to 200 bytes")
	}
	nonce := make([]byte, 12)
	if _, err := io.ReadFull(h.cfg.Rand, nonce); err != nil {
		return "", fmt.Errorf("setup: reading random bytes: %w", err)
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(tenant)) + "." + strconv.FormatInt(exp.Unix(), 10) +
		"." + base64.RawURLEncoding.EncodeToString(nonce)
	return payload + "." + base64.RawURLEncoding.EncodeToString(h.mac("link", payload)), nil
}

func (h *Handler) mac(purpose, data string) []byte {
	m := hmac.New(sha256.New, h.cfg.LinkKey)
	m.Write([]byte("ssokit-setup-" + purpose + "\x00" + data))
	return m.Sum(nil)
}

// ParseLink verifies a setup link token (the token query parameter): its
// signature, then its expiry.
func (h *Handler) ParseLink(token string) (Link, error) {
	if len(token) > MaxLinkTokenBytes {
		return Link{}, fmt.Errorf("%w: token too long", ErrLinkInvalid)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 4 {
		return Link{}, fmt.Errorf("%w: malformed token", ErrLinkInvalid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, h.mac("link", parts[0]+"."+parts[1]+"."+parts[2])) {
		return Link{}, fmt.Errorf("%w: bad signature", ErrLinkInvalid)
	}
	tenant, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || len(tenant) == 0 {
		return Link{}, fmt.Errorf("%w: malformed tenant", ErrLinkInvalid)
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return Link{}, fmt.Errorf("%w: malformed expiry", ErrLinkInvalid)
	}
	l := Link{Tenant: string(tenant), Expires: time.Unix(exp, 0)}
	if !h.cfg.Now().Before(l.Expires) {
		return Link{}, &LinkExpiredError{Tenant: l.Tenant, Expired: l.Expires}
	}
	return l, nil
}
