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
