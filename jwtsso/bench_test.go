package jwtsso_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/ssokit/ssokit/internal/replay"
	"github.com/ssokit/ssokit/jwtsso"
)

// benchTokens is how many distinct tokens (jti values) a benchmark cycles
// through before it starts a fresh replay cache.
const benchTokens = 1 << 12

// swappableCache is a real replay.Memory that the benchmark replaces, with
// the timer stopped, after each pass over its tokens.
type swappableCache struct{ m atomic.Pointer[replay.Memory] }

func (s *swappableCache) Seen(ctx context.Context, key string, until time.Time) (bool, error) {
	return s.m.Load().Seen(ctx, key, until)
}

// benchToken is a typical partner token: the IT Glue payload shape.
func benchToken(b *testing.B, i int) string {
	return hs256(b, map[string]any{
		"iat": t0.Unix(), "Jti": strconv.FormatInt(t0.Unix(), 10) + "/" + strconv.Itoa(1e9+i) + "0123456789abcdef0123456",
		"Email": "someone@example.com",
	})
}

// BenchmarkVerify is jwtsso's full check: size, jws.Verify with the key
// provider, claims, times, email, and the replay cache.
func BenchmarkVerify(b *testing.B) {
	now := func() time.Time { return t0 }
	cache := &swappableCache{}
	cache.m.Store(replay.NewMemory(now))
	v, _ := newVerifier(b, func(c *jwtsso.Config) { c.ReplayCache = cache })
	toks := make([]string, benchTokens)
	for i := range toks {
		toks[i] = benchToken(b, i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if i == len(toks) {
			b.StopTimer()
			cache.m.Store(replay.NewMemory(now))
			i = 0
			b.StartTimer()
		}
		if _, err := v.Verify(ctx, toks[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkJWXVerify is the library floor: jws.Verify alone with a static
// HS256 key, no claims, no replay check.
func BenchmarkJWXVerify(b *testing.B) {
	tok := []byte(benchToken(b, 0))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jws.Verify(tok, jws.WithKey(jwa.HS256, secret)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJWXHMACVerifier is jwx's HS256 verifier primitive
// (jws.NewVerifier) over a pre-split signing input: what jwx costs without
// its JWS parser.
func BenchmarkJWXHMACVerifier(b *testing.B) {
	tok := []byte(benchToken(b, 0))
	header, payload, sig, err := jws.SplitCompact(tok)
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(string(header) + "." + string(payload))
	rawSig, err := base64.RawURLEncoding.DecodeString(string(sig))
	if err != nil {
		b.Fatal(err)
	}
	verifier, err := jws.NewVerifier(jwa.HS256)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := verifier.Verify(input, rawSig, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawHMACSHA256 is the crypto floor: crypto/hmac over the same
// signing input, compared with the decoded signature.
func BenchmarkRawHMACSHA256(b *testing.B) {
	tok := benchToken(b, 0)
	dot := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:dot])
	sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := hmac.New(sha256.New, secret)
		m.Write(input)
		if !hmac.Equal(m.Sum(nil), sig) {
			b.Fatal("signature mismatch")
		}
	}
}
