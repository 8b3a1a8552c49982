package multitest_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/ssokit/ssokit/internal/multitest"
	"github.com/ssokit/ssokit/ssotest"
)

// BenchmarkSyncThroughput measures what one instance's worker refreshes
// per second: an operation is one RunOnce over 200 due users (claim on
// Redis, refresh through sso.Handler.Refresh at the in-process provider,
// which rotates tokens and signs an RS256 ID token and access token each
// time, compare-and-swap of the sealed token, mapping and strict sync),
// four refreshes in flight. The floor is the bare x/oauth2 refresh grant
// at the same provider with the same concurrency: no store, no
// verification, no sync.
func BenchmarkSyncThroughput(b *testing.B) {
	const users = 200
	us := make([]ssotest.OIDCUser, users)
	for i := range us {
		id := sprintUsers(i)
		us[i] = ssotest.OIDCUser{Subject: id, Email: id + "@acme.example", Name: id,
			Claims: map[string]any{"groups": []any{multitest.OpsGroupIdPID}, "email_verified": true}}
	}
	f := newFixture(b, us)
	ctx := context.Background()

	b.Run("worker-redisstore-sso", func(b *testing.B) {
		f.enroll(ctx, f.mintRefreshTokens(ctx, us))
		b.Setenv("ITGLUE_SSO_KEY", partnerKey) // the tenants file names it
		o := f.opts
		o.Batch, o.Concurrency, o.Lease = users, 4, time.Minute
		in, err := multitest.New(o, io.Discard, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		defer in.Close()
		var offset time.Duration
		done := 0
		b.ReportAllocs()
		for b.Loop() {
			st, err := in.Worker.RunOnce(ctx)
			if err != nil || st.Synced != users {
				b.Fatalf("run: %+v %v", st, err)
			}
			done += st.Synced
			offset += 11 * time.Minute // every user is due again
			in.Clock.Set(offset)
		}
		b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "users/s")
	})
	b.Run("x-oauth2-refresh-floor", func(b *testing.B) {
		var tokens []string
		for _, rt := range f.mintRefreshTokens(ctx, us) {
			tokens = append(tokens, rt)
		}
		conf := f.oauthConfig()
		hctx := context.WithValue(ctx, oauth2.HTTPClient, f.op.Client())
		var mu sync.Mutex
		done := 0
		b.ReportAllocs()
		for b.Loop() {
			sem := make(chan struct{}, 4)
			var wg sync.WaitGroup
			for i, rt := range tokens {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					tok, err := conf.TokenSource(hctx, &oauth2.Token{RefreshToken: rt, Expiry: time.Unix(1, 0)}).Token()
					if err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					tokens[i] = tok.RefreshToken
					done++
					mu.Unlock()
				})
			}
			wg.Wait()
		}
		b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "users/s")
	})
}
