package groupsync

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type profileLog struct{ names []string }

func (p *profileLog) UpdateProfile(_ context.Context, user string, c Claims) error {
	p.names = append(p.names, user+"="+c.IDToken["sub"].(string))
	return nil
}

func TestWorkerProfileAndLogging(t *testing.T) {
	var logs bytes.Buffer
	profiles := &profileLog{}
	r := newRig(t, func(c *WorkerConfig) {
		c.Profiles = profiles
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	r.login(t, "frank", ModeAdditive, "eng")
	r.clock.Add(10 * time.Minute)
	r.run(t)
	if len(profiles.names) != 1 || profiles.names[0] != "frank=frank" {
		t.Fatalf("profile updates = %v", profiles.names)
	}
	out := logs.String()
	for _, want := range []string{"groupsync: refresh run", "claimed=1", "synced=1", "groupsync: refresh synced", "user=frank", "added=2"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rt-frank") {
		t.Fatalf("log leaks a refresh token:\n%s", out)
	}
}

func TestWorkerUnopenableTokenIsNotARevocation(t *testing.T) {
	r := newRig(t, nil)
	r.login(t, "gina", ModeStrict, "eng")
	r.mem.Apply(context.Background(), "gina", Diff{Add: []Grant{{KindGroup, "h-eng"}}})
	rec, _ := r.tokens.Get("gina")
	other, _ := r.tokens.Get("gina")
	other.UserID = "mallory" // a sealed token copied onto another user's row
	r.tokens.Put(context.Background(), other)
	r.clock.Add(10 * time.Minute)
	st := r.run(t)
	if st.Synced != 1 || st.Outages != 1 || st.Revoked != 0 {
		t.Fatalf("stats = %+v", st)
	}
	var re *RefreshError
	for _, ev := range r.events {
		if ev.UserID == "mallory" && (!errors.As(ev.Err, &re) || !errors.Is(ev.Err, ErrUnsealable)) {
			t.Fatalf("mallory event = %+v", ev)
		}
	}
	if names(r.mem.Held("gina")) != "group:h-eng permission:p-eng" || rec.UserID != "gina" {
		t.Fatalf("gina = %s", names(r.mem.Held("gina")))
	}
}

func TestWorkerResealsAfterKeyRotation(t *testing.T) {
	r := newRig(t, nil)
	r.login(t, "hank", ModeStrict, "eng")
	rotated, err := NewSealer(SealerConfig{Keys: map[string][]byte{
		"k1": bytes.Repeat([]byte{1}, 32), "k2": bytes.Repeat([]byte{2}, 32)}, Current: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	r.w.cfg.Sealer = rotated
	r.clock.Add(10 * time.Minute)
	if st := r.run(t); st.Synced != 1 {
		t.Fatalf("stats = %+v", st)
	}
	rec, _ := r.tokens.Get("hank")
	if !bytes.HasPrefix(rec.Sealed, []byte("gs1.k2.")) {
		t.Fatalf("token not resealed with the current key: %q", rec.Sealed[:8])
	}
}

func TestWorkerCancelledRunRemovesNothing(t *testing.T) {
	r := newRig(t, nil)
	r.login(t, "ivy", ModeStrict, "eng")
	r.mem.Apply(context.Background(), "ivy", Diff{Add: []Grant{{KindGroup, "h-eng"}}})
	r.clock.Add(10 * time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.w.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if names(r.mem.Held("ivy")) != "group:h-eng" {
		t.Fatalf("grants changed: %s", names(r.mem.Held("ivy")))
	}
	if _, ok := r.tokens.Get("ivy"); !ok {
		t.Fatal("token removed by a cancelled run")
	}
}

func TestWorkerReloginForcesSyncAndResetsSchedule(t *testing.T) {
	r := newRig(t, nil)
	r.login(t, "jo", ModeStrict, "eng")
	r.op.setDown(true)
	r.clock.Add(10 * time.Minute)
	r.run(t)
	if rec, _ := r.tokens.Get("jo"); rec.Failures != 1 {
		t.Fatalf("record = %+v", rec)
	}
	// The user logs in again: the login syncs at once and re-enrolls.
	r.op.setDown(false)
	s, _ := NewSyncer(r.mem)
	res, err := s.Sync(context.Background(), Request{UserID: "jo", FromIdP: true, Mode: ModeStrict,
		Desired: Desired{Groups: []string{"h-ops"}}})
	if err != nil || names2(res.Applied.Add) != "group:h-ops" {
		t.Fatalf("login sync = %+v, %v", res, err)
	}
	r.login(t, "jo", ModeStrict, "ops")
	rec, _ := r.tokens.Get("jo")
	if rec.Failures != 0 || rec.NextAt.Sub(r.clock.Now()) > 10*time.Minute {
		t.Fatalf("record after re-login = %+v", rec)
	}
}

func TestWorkerMappingAndStoreErrors(t *testing.T) {
	t.Run("a mapping error keeps the rotated token and changes nothing", func(t *testing.T) {
		r := newRig(t, func(c *WorkerConfig) {
			c.Map = func(context.Context, string, Claims) (Desired, error) { return Desired{}, errors.New("bad rules") }
		})
		r.login(t, "kim", ModeStrict, "eng")
		r.clock.Add(10 * time.Minute)
		st := r.run(t)
		ev := r.lastEvent(t)
		if st.Errors != 1 || ev.Kind != EventError || !strings.Contains(ev.Reason, "mapping") || len(r.mem.Held("kim")) != 0 {
			t.Fatalf("stats %+v, event %+v", st, ev)
		}
		rec, _ := r.tokens.Get("kim")
		tok, _ := r.w.cfg.Sealer.Open("kim", rec.Sealed)
		if !r.op.live(tok) {
			t.Fatal("rotated token lost after a mapping error")
		}
	})
	t.Run("a store failure during revocation is reported and retried without the IdP", func(t *testing.T) {
		r := newRig(t, nil)
		flaky := &flakyStore{MemoryMemberships: r.mem, budget: 0, transactional: true}
		r.w.syncer, _ = NewSyncer(flaky)
		r.login(t, "lee", ModeStrict, "eng")
		r.mem.Apply(context.Background(), "lee", Diff{Add: []Grant{{KindGroup, "h-eng"}}})
		r.op.revokeUser("lee")
		r.clock.Add(10 * time.Minute)
		r.run(t)
		ev := r.lastEvent(t)
		var ae *ApplyError
		if ev.Kind != EventError || !errors.As(ev.Err, &ae) || !strings.Contains(ev.Reason, "revoked") {
			t.Fatalf("event = %+v", ev)
		}
		rec, ok := r.tokens.Get("lee")
		if !ok || !rec.Revoked || names(r.mem.Held("lee")) != "group:h-eng" {
			t.Fatalf("record %+v (kept %v), held %s", rec, ok, names(r.mem.Held("lee")))
		}
		calls := r.op.calls
		flaky.budget = 10
		r.clock.Add(2 * time.Minute)
		r.run(t)
		if ev := r.lastEvent(t); ev.Kind != EventRevoked || !errors.Is(ev.Err, ErrRefreshRevoked) {
			t.Fatalf("retry event = %+v", ev)
		}
		if _, ok := r.tokens.Get("lee"); ok || len(r.mem.Held("lee")) != 0 || r.op.calls != calls {
			t.Fatalf("after retry: token kept %v, held %s, OP calls %d -> %d", ok, names(r.mem.Held("lee")), calls, r.op.calls)
		}
	})
}

func TestWorkerRunDrainsFullBatchesBeforeWaiting(t *testing.T) {
	runs := make(chan RunStats, 8)
	ticks := make(chan time.Time)
	r := newRig(t, func(c *WorkerConfig) {
		c.Batch = 1
		c.After = func(time.Duration) <-chan time.Time { return ticks }
		c.OnRun = func(s RunStats) { runs <- s }
	})
	r.login(t, "m1", ModeStrict, "eng")
	r.login(t, "m2", ModeStrict, "eng")
	r.clock.Add(10 * time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- r.w.Run(ctx) }()
	// Two full batches of one, then an empty run, all before any tick.
	for i, want := range []int{1, 1, 0} {
		if st := <-runs; st.Claimed != want {
			t.Fatalf("run %d claimed %d, want %d", i, st.Claimed, want)
		}
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
}
