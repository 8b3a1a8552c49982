package jwtsso

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

const (
	// maxKeySetBytes bounds a JWKS response body.
	maxKeySetBytes = 256 << 10
	// maxKeySetKeys bounds how many usable keys a JWKS may hold.
	maxKeySetKeys = 32
	// keySetRetry is the least time between two fetch attempts that are
	// not due to the refresh interval (unknown kid, failed fetch), so
	// hostile tokens cannot make us hammer the partner.
	keySetRetry = time.Minute
)

// keySet is a JWKS fetched on demand and kept for a while. Fetches are
// serialised by mu; no goroutine runs in the background. When a refetch
// fails, the keys fetched before stay in use, so a partner's JWKS outage
// does not stop logins with known keys.
type keySet struct {
	url     string
	client  *http.Client
	refresh time.Duration
	allowed []string

	mu      sync.Mutex
	keys    []keyEntry
	fetched time.Time // last successful fetch
	tried   time.Time // last attempt
	lastErr error     // error of the last attempt, nil after a success
}

// lookup returns the keys of the set. It fetches the set when it was never
// fetched, is older than refresh, or lacks kid, but never twice within
// keySetRetry except for the refresh interval.
func (s *keySet) lookup(ctx context.Context, now time.Time, kid string) ([]keyEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.due(now, kid) {
		s.attempt(ctx, now)
	}
	if s.keys == nil && s.lastErr != nil {
		return nil, &KeySetError{URL: s.url, Err: s.lastErr}
	}
	return s.keys, nil
}

// due reports whether lookup should fetch now.
func (s *keySet) due(now time.Time, kid string) bool {
	if !s.fetched.IsZero() && now.Sub(s.fetched) >= s.refresh && !now.Before(s.tried.Add(keySetRetry)) {
		return true
	}
	missing := s.fetched.IsZero() || (kid != "" && !slices.ContainsFunc(s.keys, func(e keyEntry) bool { return e.id == kid }))
	return missing && (s.tried.IsZero() || now.Sub(s.tried) >= keySetRetry)
}

// attempt fetches the set and records the outcome. A failure caused by the
// caller's own context (cancelled, deadline) is not held against the next
// caller.
func (s *keySet) attempt(ctx context.Context, now time.Time) {
	keys, err := s.fetch(ctx)
	if err != nil && ctx.Err() != nil {
		s.lastErr = err
		return
	}
	s.tried, s.lastErr = now, err
	if err == nil {
		s.keys, s.fetched = keys, now
	}
}

func (s *keySet) fetch(ctx context.Context) ([]keyEntry, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxKeySetBytes {
		return nil, fmt.Errorf("key set larger than %d bytes", maxKeySetBytes)
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, err
	}
	return s.entries(set), nil
}

// entries keeps the signing keys of set with a supported type and an
// allowed algorithm; others are ignored, as RFC 7517 asks for keys a reader
// does not understand. Keys without kid are tried in turn for tokens
// without kid, like configured keys.
func (s *keySet) entries(set jwk.Set) []keyEntry {
	var out []keyEntry
	for i := 0; i < set.Len() && len(out) < maxKeySetKeys; i++ {
		k, _ := set.Key(i)
		if k.KeyUsage() != "" && k.KeyUsage() != "sig" {
			continue
		}
		var raw any
		if err := k.Raw(&raw); err != nil {
			continue
		}
		// newKeyEntry accepts only RSA and P-256 public keys, so a
		// symmetric ("oct") key in the set can never become an HMAC secret.
		e, err := newKeyEntry(Key{ID: k.KeyID(), Algorithm: k.Algorithm().String(), PublicKey: raw}, s.allowed)
		if err != nil {
			continue
		}
		out = append(out, e)
	}
	return out
}
