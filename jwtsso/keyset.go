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
	// keySetRetry is the least time between two fetches triggered by an
	// unknown kid, so hostile tokens cannot make us hammer the partner.
	keySetRetry = time.Minute
)

// keySet is a JWKS fetched on demand and kept for a while. Fetches are
// serialised by mu; no goroutine runs in the background.
type keySet struct {
	url     string
	client  *http.Client
	refresh time.Duration
	allowed []string

	mu      sync.Mutex
	keys    []keyEntry
	fetched time.Time
}

// lookup returns the keys of the set, fetching it when it is older than
// refresh, or when kid is not in it and the last fetch is older than
// keySetRetry.
func (s *keySet) lookup(ctx context.Context, now time.Time, kid string) ([]keyEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	age := now.Sub(s.fetched)
	stale := s.fetched.IsZero() || age >= s.refresh
	missing := kid != "" && !slices.ContainsFunc(s.keys, func(e keyEntry) bool { return e.id == kid })
	if stale || (missing && age >= keySetRetry) {
		keys, err := s.fetch(ctx)
		if err != nil {
			return nil, &KeySetError{URL: s.url, Err: err}
		}
		s.keys, s.fetched = keys, now
	}
	return s.keys, nil
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
