package jwtsso

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Verifier checks partner-signed login tokens. It is safe for concurrent
// use. Create one with New.
type Verifier struct {
	cfg     Config
	allowed []string
	keys    []keyEntry
	keySet  *keySet
	origin  *url.URL
	login   *url.URL
	compact jws.VerifyOption // jws.WithCompact(), made once
}

// Verify checks the token from the jwt query parameter and returns its
// claims. In order it checks: size, compact JWS form, alg in the
// allow-list, key (by kid, else each key of that alg in turn), signature,
// claims (iat, jti, email required; names matched case-insensitively),
// iat within the margin, exp and nbf, iss and aud when configured, the
// email's form, and finally that the jti was never accepted before. Only a
// token that passes every check consumes its jti.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	if len(token) > v.cfg.MaxTokenSize {
		return nil, ErrTokenTooLarge
	}
	now := v.cfg.Now()
	entry, payload, err := v.verifySignature(ctx, token, now)
	if err != nil {
		return nil, err
	}
	c, err := parseClaims(payload)
	if err != nil {
		return nil, err
	}
	if err := v.checkClaims(c, now); err != nil {
		return nil, err
	}
	c.KeyID, c.Algorithm = entry.id, entry.alg.String()
	if err := v.checkReplay(ctx, c, entry); err != nil {
		return nil, err
	}
	return c, nil
}

// verifySignature verifies the JWS with jwx, choosing keys through
// keyProvider, and returns the key that verified it and the payload.
func (v *Verifier) verifySignature(ctx context.Context, token string, now time.Time) (*keyEntry, []byte, error) {
	kp := keyProvider{v: v, now: now}
	kp.candidates = kp.buf[:0]
	var used any
	opts := append(make([]jws.VerifyOption, 0, 4), v.compact, jws.WithContext(ctx), jws.WithKeyProvider(&kp))
	if v.keySet != nil || len(v.keys) > 1 {
		// Several candidates are possible: ask jwx which one verified.
		opts = append(opts, jws.WithKeyUsed(&used))
	}
	payload, err := jws.Verify([]byte(token), opts...)
	switch {
	case kp.err != nil:
		return nil, nil, kp.err
	case err != nil && jws.IsVerificationError(err):
		return nil, nil, &SignatureError{KeyID: kp.kid, Err: err}
	case err != nil:
		return nil, nil, &MalformedError{Reason: "not a compact JWS", Err: err}
	}
	return kp.usedEntry(used), payload, nil
}

// keyProvider feeds jws.Verify the candidate keys for one token. It
// enforces the allow-list and key/algorithm binding: the algorithm handed
// to jwx is always the key's own, and only when the header names it.
type keyProvider struct {
	v          *Verifier
	now        time.Time
	kid        string
	candidates []*keyEntry
	buf        [MaxKeys]*keyEntry
	err        error
}

// FetchKeys implements jws.KeyProvider.
func (kp *keyProvider) FetchKeys(ctx context.Context, sink jws.KeySink, sig *jws.Signature, _ *jws.Message) error {
	kp.err = kp.fetch(ctx, sig.ProtectedHeaders())
	for _, e := range kp.candidates {
		sink.Key(e.alg, e.material)
	}
	return kp.err
}

func (kp *keyProvider) fetch(ctx context.Context, h jws.Headers) error {
	alg := h.Algorithm().String()
	if !slices.Contains(kp.v.allowed, alg) {
		return &AlgorithmError{Got: alg, Allowed: kp.v.allowed}
	}
	if len(h.Critical()) > 0 {
		return &MalformedError{Reason: "crit header not supported"}
	}
	if _, ok := h.Get("b64"); ok {
		return &MalformedError{Reason: "b64 header not supported"}
	}
	kp.kid = h.KeyID()
	keys, err := kp.v.keysFor(ctx, kp.now, kp.kid)
	if err != nil {
		return err
	}
	return kp.choose(keys, jwa.SignatureAlgorithm(alg))
}

// choose picks the key named by kid, or every key of alg when there is no
// kid (at most MaxKeys of them).
func (kp *keyProvider) choose(keys []keyEntry, alg jwa.SignatureAlgorithm) error {
	for i := range keys {
		e := &keys[i]
		switch {
		case kp.kid != "" && e.id == kp.kid:
			if e.alg != alg {
				return &AlgorithmError{Got: alg.String(), Allowed: []string{e.alg.String()}}
			}
			kp.candidates = append(kp.candidates[:0], e)
			return nil
		case kp.kid == "" && e.alg == alg && len(kp.candidates) < MaxKeys:
			kp.candidates = append(kp.candidates, e)
		}
	}
	if len(kp.candidates) == 0 {
		return &UnknownKeyError{KeyID: kp.kid, Algorithm: alg.String()}
	}
	return nil
}

// usedEntry maps the key jwx reports as used back to its entry.
func (kp *keyProvider) usedEntry(used any) *keyEntry {
	for _, e := range kp.candidates {
		if sameKey(e.material, used) {
			return e
		}
	}
	return kp.candidates[0]
}

func sameKey(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ab, bb)
	}
	return a == b
}

// keysFor returns the static keys, plus the JWKS keys when a key set URL
// is configured.
func (v *Verifier) keysFor(ctx context.Context, now time.Time, kid string) ([]keyEntry, error) {
	if v.keySet == nil {
		return v.keys, nil
	}
	if kid != "" && slices.ContainsFunc(v.keys, func(e keyEntry) bool { return e.id == kid }) {
		return v.keys, nil
	}
	remote, err := v.keySet.lookup(ctx, now, kid)
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(v.keys), remote...), nil
}
