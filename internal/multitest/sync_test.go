package multitest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/internal/multitest"
	"github.com/ssokit/ssokit/redisstore"
	"github.com/ssokit/ssokit/ssotest"
)

const syncUsers = 1000

// TestSyncAcrossThreeInstances: 1,000 users hold refresh tokens at a
// provider that rotates them. One period refreshes every user exactly
// once across three worker processes; then one process is killed with
// SIGKILL while it holds leases (and while one refresh has reached the
// provider but is not stored), and the two others take its users over
// after the lease expired: none refreshed twice, none lost, and the one
// whose rotated token died with the process is reported and recovers with
// a new login.
func TestSyncAcrossThreeInstances(t *testing.T) {
	users := make([]ssotest.OIDCUser, syncUsers)
	for i := range users {
		id := sprintUsers(i)
		users[i] = ssotest.OIDCUser{Subject: id, Email: id + "@acme.example", Name: id,
			Claims: map[string]any{"groups": []any{multitest.OpsGroupIdPID}, "email_verified": true}}
	}
	f := newFixture(t, users)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Second)
	defer cancel()
	original := f.mintRefreshTokens(ctx, users)
	store := f.enroll(ctx, original)

	worker := []string{"-worker", "-batch", "50", "-concurrency", "4", "-period", "10m", "-jitter", "1m", "-lease", "1m", "-tick", "20ms"}
	a, b, c := f.start("A", worker...), f.start("B", worker...), f.start("C", worker...)
	all := []*proc{a, b, c}
	counts := func() map[string]int {
		m := make(map[string]int, len(original))
		for id, tok := range original {
			m[id] = f.op.RefreshCount(tok)
		}
		return m
	}
	total := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}

	t.Run("one period refreshes every user exactly once across the instances", func(t *testing.T) {
		poll(t, ctx, "1,000 refreshes at the provider", func() bool { return total(counts()) >= syncUsers })
		poll(t, ctx, "1,000 synced events", func() bool { return countLines(all, "EVENT ") >= syncUsers })
		for id, n := range counts() {
			if n != 1 {
				t.Errorf("user %s refreshed %d times in the period", id, n)
			}
		}
		for _, p := range all {
			synced := len(p.find("EVENT synced "))
			if synced == 0 {
				t.Errorf("instance %s refreshed nobody: the work was not shared", p.name)
			}
			if other := len(p.find("EVENT ")) - synced; other != 0 {
				t.Errorf("instance %s: %d events other than synced: %q", p.name, other, p.find("EVENT "))
			}
			t.Logf("instance %s refreshed %d users", p.name, synced)
		}
		if n := countLines(all, "EVENT synced "); n != syncUsers {
			t.Errorf("%d synced events, want %d", n, syncUsers)
		}
	})
	if t.Failed() {
		return
	}

	var victim string
	var leasedByC []string
	t.Run("an instance killed mid-period loses its leases only when they expire", func(t *testing.T) {
		for _, p := range all {
			p.forget() // only this period's claims and events count below
		}
		c.control("/_control/hang?after=80")
		c.setClock(10 * time.Minute) // only C sees the next period yet
		poll(t, ctx, "C stalls between the refresh and the store", func() bool { return len(c.find("HANG ")) > 0 })
		c.kill() // kill -9
		victim = strings.Fields(c.find("HANG ")[0])[1]
		leasedByC = orphans(c)
		if !slices.Contains(leasedByC, victim) {
			t.Fatalf("victim %s not among C's unfinished leases %v", victim, leasedByC)
		}
		t.Logf("C died holding %d unfinished leases; %s was refreshed at the provider but not stored", len(leasedByC), victim)

		// A and B enter the period: they take every due user, but not C's
		// leased ones, whose lease runs one minute past C's claim.
		a.setClock(10 * time.Minute)
		b.setClock(10 * time.Minute)
		poll(t, ctx, "A and B refresh every user C did not lease", func() bool {
			m := counts()
			for id, n := range m {
				if !slices.Contains(leasedByC, id) && n != 2 {
					return false
				}
			}
			return true
		})
		for _, id := range leasedByC {
			if ev := eventsFor([]*proc{a, b}, id); len(ev) != 0 {
				t.Errorf("user %s, leased by C, was taken before the lease expired: %q", id, ev)
			}
		}

		// Past the lease end, A and B take C's users over.
		a.setClock(12 * time.Minute)
		b.setClock(12 * time.Minute)
		poll(t, ctx, "A and B finish C's leased users", func() bool {
			next := f.nextAt(ctx, store)
			for _, id := range leasedByC {
				// C may have stored a user's token and died before
				// writing its event: then the user is scheduled for the
				// next period and nobody else touches it.
				storedByC := next[id].After(time.Now().Add(15 * time.Minute))
				if len(eventsFor([]*proc{a, b}, id)) == 0 && !storedByC {
					return false
				}
			}
			return true
		})
	})
	if t.Failed() {
		return
	}

	t.Run("none refreshed twice and none lost", func(t *testing.T) {
		for id, n := range counts() {
			if n != 2 {
				t.Errorf("user %s refreshed %d times over two periods, want 2", id, n)
			}
		}
		next := f.nextAt(ctx, store)
		lo, hi := time.Now().Add(10*time.Minute+8*time.Minute), time.Now().Add(12*time.Minute+10*time.Minute)
		revoked := 0
		for id := range original {
			at, ok := next[id]
			evs := eventsFor([]*proc{a, b}, id)
			switch {
			case ok && at.After(lo) && at.Before(hi):
			case !ok && len(evs) == 1 && strings.HasPrefix(evs[0], "EVENT revoked ") &&
				slices.Contains(leasedByC, id) && strings.Contains(evs[0], "earlier claim ended without a result"):
				revoked++ // reported, see the next subtest
			default:
				t.Errorf("user %s: stored=%v next=%v events %q", id, ok, at, evs)
			}
		}
		if _, ok := next[victim]; ok || revoked == 0 || revoked > 4 {
			t.Errorf("victim %s still stored=%v; %d users revoked, want the victim and at most the 4 refreshes in flight", victim, ok, revoked)
		}
	})

	t.Run("the user whose rotated token died with C is reported and recovers by logging in", func(t *testing.T) {
		ev := eventsFor([]*proc{a, b}, victim)
		if len(ev) != 1 || !strings.HasPrefix(ev[0], "EVENT revoked "+victim+" ") ||
			!strings.Contains(ev[0], "after an earlier claim ended without a result") {
			t.Fatalf("events for %s: %q, want one revoked event naming the abandoned claim", victim, ev)
		}
		br := newBrowser(t).via(a)
		resp, body := br.get(f.oidcCallback(br.startLogin("/acme/login?connection=okta"), victim))
		wantLoggedIn(t, "A", resp, body)
		// Instance A's in-memory user store gave the JIT user its own id:
		// the login enrolled the new refresh token under it.
		logins := a.waitLines("LOGIN ", 1)
		if len(logins) != 1 {
			t.Fatalf("A's logins: %q", logins)
		}
		hostID := strings.Fields(logins[0])[1]
		if _, ok := f.nextAt(ctx, store)[hostID]; !ok {
			t.Fatalf("%s logged in again (host user %s) but no refresh token is stored", victim, hostID)
		}
	})
}

// orphans returns the users an instance claimed and had not finished when
// it died.
func orphans(p *proc) []string {
	var out []string
	for _, l := range p.find("CLAIMED ") {
		for _, id := range strings.Fields(l)[1:] {
			if len(eventsFor([]*proc{p}, id)) == 0 {
				out = append(out, id)
			}
		}
	}
	return out
}

// eventsFor returns the EVENT lines about user id.
func eventsFor(ps []*proc, id string) []string {
	var out []string
	for _, p := range ps {
		for _, l := range p.find("EVENT ") {
			if f := strings.Fields(l); len(f) > 2 && f[2] == id {
				out = append(out, l)
			}
		}
	}
	return out
}

// mintRefreshTokens signs every user in at the provider (authorization
// code with PKCE, eight at a time) and returns their refresh tokens.
func (f *fixture) mintRefreshTokens(ctx context.Context, users []ssotest.OIDCUser) map[string]string {
	f.t.Helper()
	conf := f.oauthConfig()
	hctx := context.WithValue(ctx, oauth2.HTTPClient, f.op.Client())
	out := make(map[string]string, len(users))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	sem := make(chan struct{}, 8)
	for _, u := range users {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			v := oauth2.GenerateVerifier()
			cb, err := f.op.Authorize(ctx, conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v),
				oauth2.SetAuthURLParam("nonce", "n"), oauth2.SetAuthURLParam("login_hint", u.Subject)))
			if err != nil {
				errs <- err
				return
			}
			tok, err := conf.Exchange(hctx, cb.Query().Get("code"), oauth2.VerifierOption(v))
			if err != nil || tok.RefreshToken == "" {
				errs <- fmt.Errorf("exchange for %s: %v", u.Subject, err)
				return
			}
			mu.Lock()
			out[u.Subject] = tok.RefreshToken
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		f.t.Fatal(err)
	}
	return out
}

// oauthConfig is the provider's client "app" for x/oauth2, from discovery.
func (f *fixture) oauthConfig() *oauth2.Config {
	f.t.Helper()
	var disc struct {
		Auth  string `json:"authorization_endpoint"`
		Token string `json:"token_endpoint"`
	}
	resp, err := f.op.Client().Get(f.op.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		f.t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if err != nil {
		f.t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: "app", ClientSecret: "app-secret", Scopes: []string{"openid", "offline_access"},
		Endpoint: oauth2.Endpoint{AuthURL: disc.Auth, TokenURL: disc.Token}, RedirectURL: baseURL + "/acme/oidc/callback/okta"}
	return conf
}

// enroll stores every user's sealed refresh token, due now, the way an
// instance's login does.
func (f *fixture) enroll(ctx context.Context, tokens map[string]string) *redisstore.Store {
	f.t.Helper()
	store, err := redisstore.New(redisstore.Config{Addr: f.redis.Addr(), Prefix: prefix})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = store.Close() })
	sealer, err := groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"k1": sealKey}, Current: "k1"})
	if err != nil {
		f.t.Fatal(err)
	}
	now := time.Now()
	for id, tok := range tokens {
		sealed, err := sealer.Seal(id, tok)
		if err != nil {
			f.t.Fatal(err)
		}
		rec := groupsync.TokenRecord{UserID: id, Connection: "acme/okta", Mode: groupsync.ModeStrict, Sealed: sealed, NextAt: now}
		if err := store.Put(ctx, rec); err != nil {
			f.t.Fatal(err)
		}
	}
	return store
}

// nextAt reads every stored record's NextAt straight from Redis (the
// store's "at" hash of time keys: 19 digits of seconds since year 1, 9 of
// nanoseconds).
func (f *fixture) nextAt(ctx context.Context, store *redisstore.Store) map[string]time.Time {
	f.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: f.redis.Addr()})
	defer c.Close()
	var key string
	for _, k := range store.TokenKeys() {
		if strings.HasSuffix(k, ":at") {
			key = k
		}
	}
	raw, err := c.HGetAll(ctx, key).Result()
	if err != nil || key == "" {
		f.t.Fatalf("read %q: %v", key, err)
	}
	out := make(map[string]time.Time, len(raw))
	for id, tk := range raw {
		sec, err1 := strconv.ParseInt(tk[:19], 10, 64)
		nsec, err2 := strconv.ParseInt(tk[19:], 10, 64)
		if len(tk) != 28 || err1 != nil || err2 != nil {
			f.t.Fatalf("time key %q", tk)
		}
		out[id] = time.Unix(sec-62135596800, nsec)
	}
	return out
}
