package scim

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Authenticator maps a presented bearer token to the tenant it belongs to.
// It returns an error wrapping [ErrUnauthorized] for an unknown token.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (tenant string, err error)
}

// TokenHash is the SHA-256 digest under which a token is stored. Tokens are
// long random values, so a fast hash is enough; only the hash is kept.
type TokenHash [sha256.Size]byte

// HashToken returns the stored form of a token.
func HashToken(token string) TokenHash { return sha256.Sum256([]byte(token)) }

// NewToken mints a random 256-bit token (43 URL-safe characters) from rand,
// for an admin to paste into the identity provider. Store only its hash.
func NewToken(rand io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("scim: reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenSet is an in-memory [Authenticator] holding token hashes per tenant.
// It is safe for concurrent use. Authenticate compares the presented
// token's digest with every stored digest in constant time, which costs
// well under a millisecond for thousands of tenants; a database-backed
// Authenticator can instead look the digest up by index, since timing on a
// SHA-256 digest tells an attacker nothing about a token.
type TokenSet struct {
	mu     sync.RWMutex
	tokens []tokenEntry
}

// tokenEntry is one stored token hash.
type tokenEntry struct {
	hash   TokenHash
	tenant string
}

// NewTokenSet returns an empty set.
func NewTokenSet() *TokenSet { return &TokenSet{} }

// Add stores the hash of a token for a tenant. A tenant may have several
// tokens (for rotation).
func (s *TokenSet) Add(tenant string, h TokenHash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = append(s.tokens, tokenEntry{hash: h, tenant: tenant})
}

// Revoke removes every token of a tenant.
func (s *TokenSet) Revoke(tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.tokens[:0]
	for _, e := range s.tokens {
		if e.tenant != tenant {
			kept = append(kept, e)
		}
	}
	s.tokens = kept
}

// Authenticate implements [Authenticator]. Every stored hash is compared in
// constant time, so timing reveals neither the token nor which entry
// matched.
func (s *TokenSet) Authenticate(_ context.Context, token string) (string, error) {
	h := HashToken(token)
	s.mu.RLock()
	defer s.mu.RUnlock()
	tenant, found := "", 0
	for _, e := range s.tokens {
		eq := subtle.ConstantTimeCompare(h[:], e.hash[:])
		if eq == 1 {
			tenant = e.tenant
		}
		found |= eq
	}
	if found == 0 || token == "" {
		return "", ErrUnauthorized
	}
	return tenant, nil
}

// bearerToken extracts the token of an Authorization header. The scheme
// word "Bearer" is optional (any case), because admins are told to paste the
// bare token into Okta's "HTTP Header" field.
func bearerToken(r *http.Request) (string, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		h = strings.TrimSpace(rest)
	}
	if h == "" || strings.ContainsAny(h, " \t") || len(h) > 4096 {
		return "", false
	}
	return h, true
}

// tenantKey is the context key of the authenticated tenant.
type tenantKey struct{}

// ContextWithTenant returns a context carrying the tenant id.
func ContextWithTenant(ctx context.Context, tenant string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenant)
}

// TenantFromContext returns the tenant a request authenticated as.
func TenantFromContext(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(tenantKey{}).(string)
	return t, ok && t != ""
}
