package groupsync

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Worker refreshes stored refresh tokens on a jittered schedule and
// re-applies profile and permission sync from the fresh claims. Drive it
// with [Worker.Run], or call [Worker.RunOnce] from a host's own scheduler
// (and from tests, without sleeping).
type Worker struct {
	cfg    WorkerConfig
	syncer *Syncer
	randMu sync.Mutex
}

// NewWorker validates cfg, fills defaults and returns a Worker.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s, err := NewSyncer(cfg.Memberships)
	if err != nil {
		return nil, err
	}
	return &Worker{cfg: cfg, syncer: s}, nil
}

// Enroll stores the user's refresh token (sealed) after a login, replacing
// any older one and clearing past failures. The login itself runs
// [Syncer.Sync], which is the sync forced by a re-login.
func (w *Worker) Enroll(ctx context.Context, userID, connection string, mode Mode, refreshToken string) error {
	sealed, err := w.cfg.Sealer.Seal(userID, refreshToken)
	if err != nil {
		return err
	}
	next, err := w.nextAt(w.cfg.Now())
	if err != nil {
		return err
	}
	rec := TokenRecord{UserID: userID, Connection: connection, Mode: mode, Sealed: sealed, NextAt: next}
	return w.cfg.Tokens.Put(ctx, rec)
}

// Run calls RunOnce every Tick (through the injected After) until ctx is
// done, and returns ctx's error. A full batch is followed at once by
// another run. Errors of single runs are logged and reported via OnRun.
func (w *Worker) Run(ctx context.Context) error {
	for {
		st, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && w.cfg.Logger != nil {
			w.cfg.Logger.LogAttrs(ctx, slog.LevelError, "groupsync: refresh run failed", slog.Any("error", err))
		}
		if err == nil && st.Claimed == w.cfg.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w.cfg.After(w.cfg.Tick):
		}
	}
}

// RunOnce claims the users due now, refreshes them with bounded
// concurrency, and returns the run's metrics. It returns an error only when
// claiming fails or ctx is done.
func (w *Worker) RunOnce(ctx context.Context) (RunStats, error) {
	now := w.cfg.Now()
	st := RunStats{Started: now}
	leaseUntil := now.Add(w.cfg.Lease)
	recs, err := w.cfg.Tokens.Claim(ctx, now, leaseUntil, w.cfg.Batch)
	if err != nil {
		return st, fmt.Errorf("groupsync: claiming due refresh tokens: %w", err)
	}
	st.Claimed = len(recs)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, w.cfg.Concurrency)
	for _, rec := range recs {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			ev, ok := w.processLeased(ctx, rec, leaseUntil)
			if !ok {
				mu.Lock()
				st.LeaseExpired++
				mu.Unlock()
				return
			}
			mu.Lock()
			count(&st, ev.Kind)
			mu.Unlock()
			w.emit(ctx, ev)
		}()
	}
	wg.Wait()
	st.Finished = w.cfg.Now()
	if w.cfg.OnRun != nil {
		w.cfg.OnRun(st)
	}
	if w.cfg.Logger != nil {
		w.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "groupsync: refresh run",
			slog.Int("claimed", st.Claimed), slog.Int("synced", st.Synced), slog.Int("revoked", st.Revoked),
			slog.Int("outages", st.Outages), slog.Int("conflicts", st.Conflicts), slog.Int("errors", st.Errors),
			slog.Int("lease_expired", st.LeaseExpired))
	}
	return st, ctx.Err()
}

func count(st *RunStats, k EventKind) {
	switch k {
	case EventSynced:
		st.Synced++
	case EventRevoked:
		st.Revoked++
	case EventOutage:
		st.Outages++
	case EventConflict:
		st.Conflicts++
	default:
		st.Errors++
	}
}

func (w *Worker) emit(ctx context.Context, ev Event) {
	if w.cfg.OnEvent != nil {
		w.cfg.OnEvent(ev)
	}
	if w.cfg.Logger != nil {
		lvl := slog.LevelInfo
		if ev.Kind != EventSynced {
			lvl = slog.LevelWarn
		}
		w.cfg.Logger.LogAttrs(ctx, lvl, "groupsync: refresh "+ev.Kind.String(),
			slog.String("user", ev.UserID), slog.String("reason", ev.Reason),
			slog.Int("added", len(ev.Diff.Add)), slog.Int("removed", len(ev.Diff.Remove)))
	}
}

// nextAt schedules the next refresh at most Period-Tick from now, minus a
// random jitter, so that a tick picks the user up within Period.
func (w *Worker) nextAt(now time.Time) (time.Time, error) {
	j, err := w.jitter(w.cfg.Jitter)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(w.cfg.Period - w.cfg.Tick - j), nil
}

// jitter returns a uniform-ish duration in [0, max).
func (w *Worker) jitter(max time.Duration) (time.Duration, error) {
	if max <= 0 {
		return 0, nil
	}
	var b [8]byte
	w.randMu.Lock()
	_, err := io.ReadFull(w.cfg.Rand, b[:])
	w.randMu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("groupsync: reading jitter: %w", err)
	}
	return time.Duration(binary.BigEndian.Uint64(b[:]) % uint64(max)), nil
}

// backoff returns the delay after the given number of consecutive
// failures: MinBackoff doubled per failure, capped at MaxBackoff, plus up to
// a quarter of jitter.
func (w *Worker) backoff(failures int) time.Duration {
	d := w.cfg.MinBackoff
	for i := 1; i < failures && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	j, err := w.jitter(d / 4)
	if err != nil {
		return d
	}
	return d + j
}

var errOpen = errors.New("stored token cannot be opened")
