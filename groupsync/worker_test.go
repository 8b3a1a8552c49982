package groupsync

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type rig struct {
	clock  *fakeClock
	op     *testOP
	tokens *MemoryTokens
	mem    *MemoryMemberships
	w      *Worker
	mu     sync.Mutex
	events []Event
}

func newRig(t *testing.T, mutate func(*WorkerConfig)) *rig {
	t.Helper()
	r := &rig{clock: &fakeClock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}}
	r.op = newTestOP(t, r.clock.Now)
	r.tokens = NewMemoryTokens()
	r.mem = NewMemoryMemberships("h-eng", "h-ops", "h-sales")
	cfg := WorkerConfig{
		Tokens: r.tokens, Sealer: testSealer(t, "k1", "k1"), Memberships: r.mem,
		Refresher: &oauthRefresher{op: r.op, client: r.op.srv.Client()}, Map: groupsClaim,
		Now: r.clock.Now, Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 1<<12)),
		OnEvent: func(e Event) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() },
	}
	if mutate != nil {
		mutate(&cfg)
	}
	w, err := NewWorker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.w = w
	return r
}

// login enrolls user as the composition layer does after a login.
func (r *rig) login(t *testing.T, user string, mode Mode, groups ...string) string {
	t.Helper()
	rt := r.op.issue(user, groups...)
	if err := r.w.Enroll(context.Background(), user, "conn1", mode, rt); err != nil {
		t.Fatal(err)
	}
	return rt
}

func (r *rig) run(t *testing.T) RunStats {
	t.Helper()
	st, err := r.w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (r *rig) lastEvent(t *testing.T) Event {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("no event")
	}
	return r.events[len(r.events)-1]
}

func TestWorkerRefreshRotatesAndSyncs(t *testing.T) {
	r := newRig(t, nil)
	first := r.login(t, "alice", ModeStrict, "eng", "ops")
	r.mem.Grant("alice", Grant{KindGroup, "h-sales"}, OriginManual)

	if st := r.run(t); st.Claimed != 0 {
		t.Fatalf("user refreshed before due: %+v", st)
	}
	r.clock.Add(10 * time.Minute)
	if st := r.run(t); st.Claimed != 1 || st.Synced != 1 {
		t.Fatalf("first run = %+v", st)
	}
	if got := names(r.mem.Held("alice")); got != "group:h-eng group:h-ops group:h-sales permission:p-eng permission:p-ops" {
		t.Fatalf("held = %s", got)
	}
	if r.op.live(first) {
		t.Fatal("old refresh token still live at the OP: not rotated")
	}
	rec, _ := r.tokens.Get("alice")
	stored, err := r.w.cfg.Sealer.Open("alice", rec.Sealed)
	if err != nil || !r.op.live(stored) {
		t.Fatalf("stored token %q is not the rotated live one (%v)", stored, err)
	}

	r.op.setGroups("alice", "eng")
	r.clock.Add(10 * time.Minute)
	r.run(t)
	ev := r.lastEvent(t)
	if ev.Kind != EventSynced || names2(ev.Diff.Remove) != "group:h-ops permission:p-ops" || len(ev.Diff.Add) != 0 {
		t.Fatalf("second run event = %+v", ev)
	}
	if got := names(r.mem.Held("alice")); got != "group:h-eng group:h-sales permission:p-eng" {
		t.Fatalf("held after IdP removed ops = %s", got)
	}
}

func TestWorkerRevokedVersusDown(t *testing.T) {
	setup := func(t *testing.T) *rig {
		r := newRig(t, nil)
		r.login(t, "bob", ModeAdditive, "eng")
		r.clock.Add(10 * time.Minute)
		r.run(t)
		r.mem.Grant("bob", Grant{KindPermission, "p-manual"}, OriginManual)
		return r
	}
	t.Run("revoked token removes IdP-derived grants and records why", func(t *testing.T) {
		r := setup(t)
		r.op.revokeUser("bob")
		r.clock.Add(10 * time.Minute)
		st := r.run(t)
		ev := r.lastEvent(t)
		if st.Revoked != 1 || ev.Kind != EventRevoked || !errors.Is(ev.Err, ErrRefreshRevoked) ||
			!strings.Contains(ev.Reason, "revoked") || !strings.Contains(ev.Err.Error(), "invalid_grant") {
			t.Fatalf("stats %+v, event %+v", st, ev)
		}
		if got := names(r.mem.Held("bob")); got != "permission:p-manual" {
			t.Fatalf("held after revocation = %s", got)
		}
		if _, ok := r.tokens.Get("bob"); ok {
			t.Fatal("revoked token still stored")
		}
	})
	t.Run("IdP down removes nothing and backs off", func(t *testing.T) {
		r := setup(t)
		r.op.setDown(true)
		r.clock.Add(10 * time.Minute)
		st := r.run(t)
		ev := r.lastEvent(t)
		var re *RefreshError
		if st.Outages != 1 || ev.Kind != EventOutage || !errors.As(ev.Err, &re) || re.Failures != 1 {
			t.Fatalf("stats %+v, event %+v", st, ev)
		}
		if got := names(r.mem.Held("bob")); got != "group:h-eng permission:p-eng permission:p-manual" {
			t.Fatalf("grants changed during an outage: %s", got)
		}
		rec, _ := r.tokens.Get("bob")
		if rec.Failures != 1 || !rec.NextAt.After(r.clock.Now()) {
			t.Fatalf("record after outage = %+v", rec)
		}
		calls := r.op.calls
		r.clock.Add(30 * time.Second)
		if st := r.run(t); st.Claimed != 0 || r.op.calls != calls {
			t.Fatalf("retried before backoff elapsed: %+v", st)
		}
		r.clock.Add(time.Minute)
		r.run(t)
		rec, _ = r.tokens.Get("bob")
		if rec.Failures != 2 || rec.NextAt.Sub(r.clock.Now()) < 2*time.Minute {
			t.Fatalf("second failure did not double the backoff: %+v", rec)
		}
		r.op.setDown(false)
		r.clock.Add(3 * time.Minute)
		if st := r.run(t); st.Synced != 1 {
			t.Fatalf("after recovery = %+v", st)
		}
		if rec, _ = r.tokens.Get("bob"); rec.Failures != 0 {
			t.Fatalf("failures not reset: %+v", rec)
		}
	})
}

// loginDuringRefresh simulates a new login that stores a fresh token while
// the worker's refresh is in flight.
type loginDuringRefresh struct {
	Refresher
	r *rig
	t *testing.T
}

func (l loginDuringRefresh) Refresh(ctx context.Context, req RefreshRequest) (Refreshed, error) {
	got, err := l.Refresher.Refresh(ctx, req)
	l.r.login(l.t, req.UserID, ModeStrict, "ops")
	return got, err
}

func TestWorkerCompareAndSwap(t *testing.T) {
	for _, revoked := range []bool{false, true} {
		name := "a login during a refresh keeps its token"
		if revoked {
			name = "a login during a revoked refresh keeps its token and grants"
		}
		t.Run(name, func(t *testing.T) {
			r := newRig(t, nil)
			r.w.cfg.Refresher = loginDuringRefresh{Refresher: &oauthRefresher{op: r.op, client: r.op.srv.Client()}, r: r, t: t}
			r.login(t, "carol", ModeStrict, "eng")
			r.mem.Apply(context.Background(), "carol", Diff{Add: []Grant{{KindGroup, "h-eng"}}})
			if revoked {
				r.op.revokeUser("carol")
			}
			r.clock.Add(10 * time.Minute)
			st := r.run(t)
			if st.Conflicts != 1 || r.lastEvent(t).Kind != EventConflict {
				t.Fatalf("stats %+v", st)
			}
			rec, _ := r.tokens.Get("carol")
			tok, _ := r.w.cfg.Sealer.Open("carol", rec.Sealed)
			if !r.op.live(tok) {
				t.Fatalf("stored token %q is not the login's live token", tok)
			}
			if got := names(r.mem.Held("carol")); got != "group:h-eng" {
				t.Fatalf("grants changed by a dropped result: %s", got)
			}
		})
	}
}

func TestWorkerBoundedConcurrency(t *testing.T) {
	const limit, users = 3, 12
	var inflight, peak atomic.Int32
	gate := make(chan struct{})
	entered := make(chan struct{}, users)
	r := newRig(t, func(c *WorkerConfig) { c.Concurrency = limit })
	inner := r.w.cfg.Refresher
	r.w.cfg.Refresher = refresherFunc(func(ctx context.Context, req RefreshRequest) (Refreshed, error) {
		n := inflight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		entered <- struct{}{}
		<-gate
		inflight.Add(-1)
		return inner.Refresh(ctx, req)
	})
	for i := range users {
		r.login(t, string(rune('a'+i)), ModeStrict, "eng")
	}
	r.clock.Add(10 * time.Minute)
	done := make(chan RunStats)
	go func() { st, _ := r.w.RunOnce(context.Background()); done <- st }()
	for range limit {
		<-entered
	}
	close(gate)
	st := <-done
	if st.Synced != users || peak.Load() != limit {
		t.Fatalf("stats %+v, peak concurrency %d, want %d", st, peak.Load(), limit)
	}
}

type refresherFunc func(context.Context, RefreshRequest) (Refreshed, error)

func (f refresherFunc) Refresh(ctx context.Context, r RefreshRequest) (Refreshed, error) {
	return f(ctx, r)
}

func TestWorkerScheduleWithinPeriod(t *testing.T) {
	for _, b := range []byte{0, 7, 255} {
		r := newRig(t, func(c *WorkerConfig) { c.Rand = bytes.NewReader(bytes.Repeat([]byte{b}, 64)) })
		r.login(t, "dave", ModeStrict)
		rec, _ := r.tokens.Get("dave")
		due := rec.NextAt.Sub(r.clock.Now())
		if due > 10*time.Minute-30*time.Second || due < 10*time.Minute-30*time.Second-time.Minute {
			t.Fatalf("rand byte %d: due in %v, want within [8m30s, 9m30s]", b, due)
		}
	}
}

func TestWorkerRunUsesInjectedTicker(t *testing.T) {
	ticks := make(chan time.Time)
	runs := make(chan RunStats, 4)
	r := newRig(t, func(c *WorkerConfig) {
		c.After = func(d time.Duration) <-chan time.Time {
			if d != 30*time.Second {
				t.Errorf("tick = %v", d)
			}
			return ticks
		}
		c.OnRun = func(s RunStats) { runs <- s }
	})
	r.login(t, "erin", ModeStrict, "eng")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- r.w.Run(ctx) }()
	if st := <-runs; st.Claimed != 0 {
		t.Fatalf("first run = %+v", st)
	}
	r.clock.Add(10 * time.Minute)
	ticks <- r.clock.Now()
	if st := <-runs; st.Synced != 1 {
		t.Fatalf("run after tick = %+v", st)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

func TestNewWorkerValidates(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*WorkerConfig)
	}{
		{"missing refresher", func(c *WorkerConfig) { c.Refresher = nil }},
		{"missing sealer", func(c *WorkerConfig) { c.Sealer = nil }},
		{"period shorter than tick", func(c *WorkerConfig) { c.Period = 20 * time.Second }},
		{"max backoff below min", func(c *WorkerConfig) { c.MinBackoff, c.MaxBackoff = time.Hour, time.Minute }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := WorkerConfig{Tokens: NewMemoryTokens(), Sealer: testSealer(t, "k", "k"), Memberships: NewMemoryMemberships(),
				Refresher: refresherFunc(nil), Map: groupsClaim}
			tc.mut(&cfg)
			var ce *ConfigError
			if _, err := NewWorker(cfg); !errors.As(err, &ce) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func names(hs []Held) string {
	gs := make([]Grant, len(hs))
	for i, h := range hs {
		gs[i] = h.Grant
	}
	return names2(gs)
}

func names2(gs []Grant) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.Kind.String() + ":" + g.ID)
	}
	return b.String()
}
