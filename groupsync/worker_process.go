package groupsync

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// processLeased processes a user claimed until leaseUntil, or reports
// false without touching it when less than a fifth of the lease is left:
// another instance may claim the user once the lease expires, and two
// instances must never spend the same refresh token.
func (w *Worker) processLeased(ctx context.Context, rec TokenRecord, leaseUntil time.Time) (Event, bool) {
	budget := leaseUntil.Sub(w.cfg.Now()) - w.cfg.Lease/5
	if budget <= 0 {
		return Event{}, false
	}
	return w.process(ctx, rec, budget), true
}

// process refreshes one claimed user and reports what happened. The
// refresh call must end within budget; storing its result may use the
// rest of the lease.
func (w *Worker) process(ctx context.Context, rec TokenRecord, budget time.Duration) Event {
	ev := Event{UserID: rec.UserID}
	if rec.Revoked {
		return w.revoke(ctx, rec, ev, fmt.Errorf("%w (removal pending from an earlier run)", ErrRefreshRevoked))
	}
	token, err := w.cfg.Sealer.Open(rec.UserID, rec.Sealed)
	if err != nil {
		return w.fail(ctx, rec, ev, fmt.Errorf("%w: %w", errOpen, err))
	}
	rctx, cancel := context.WithTimeout(ctx, budget)
	got, err := w.cfg.Refresher.Refresh(rctx, RefreshRequest{UserID: rec.UserID, Connection: rec.Connection, RefreshToken: token})
	cancel()
	switch {
	case errors.Is(err, ErrRefreshRevoked) && rec.ClaimCount > 1:
		return w.revoke(ctx, rec, ev, fmt.Errorf("%w (%d claims without a result): %w", ErrLeaseAbandoned, rec.ClaimCount-1, err))
	case errors.Is(err, ErrRefreshRevoked):
		return w.revoke(ctx, rec, ev, err)
	case err != nil:
		return w.fail(ctx, rec, ev, err)
	}
	return w.apply(ctx, rec, ev, token, got)
}

// revoke removes the user's IdP-derived grants in three steps, each safe
// to repeat: mark the record revoked (compare-and-swap, so a login that
// stored a new token meanwhile wins and nothing is removed), remove the
// grants, then delete the record (compare-and-swap again). If removing the
// grants fails, the marked record makes a later run retry it.
func (w *Worker) revoke(ctx context.Context, rec TokenRecord, ev Event, cause error) Event {
	ev.Err = cause
	old := rec.Sealed
	if !rec.Revoked {
		rec.Revoked, rec.NextAt = true, w.cfg.Now().Add(w.backoff(1))
		if err := w.cfg.Tokens.Replace(ctx, old, rec); err != nil {
			return conflictOr(ev, err, "marking the token revoked")
		}
	}
	d, err := w.syncer.RemoveIdPGrants(ctx, rec.UserID)
	ev.Diff = d
	if err != nil {
		ev.Kind, ev.Err, ev.RetryAt = EventError, err, rec.NextAt
		ev.Reason = "refresh token revoked, but removing IdP-derived grants failed (retried later): " + err.Error()
		return ev
	}
	if err := w.cfg.Tokens.Remove(ctx, rec.UserID, old); err != nil {
		return conflictOr(ev, err, "deleting the revoked token")
	}
	ev.Kind = EventRevoked
	ev.Reason = "refresh token rejected by the identity provider (expired or revoked): IdP-derived grants removed"
	if errors.Is(cause, ErrLeaseAbandoned) {
		ev.Reason = "refresh token rejected by the identity provider after an earlier claim ended without a result " +
			"(an instance died or stalled past its lease, perhaps after the provider rotated the token): " +
			"IdP-derived grants removed; the user must sign in again"
	}
	return ev
}

// fail records an outage: nothing is removed, the user is retried after an
// exponential backoff.
func (w *Worker) fail(ctx context.Context, rec TokenRecord, ev Event, cause error) Event {
	old := rec.Sealed
	rec.Failures, rec.ClaimCount = rec.Failures+1, 0
	rec.NextAt = w.cfg.Now().Add(w.backoff(rec.Failures))
	re := &RefreshError{UserID: rec.UserID, Failures: rec.Failures, RetryAt: rec.NextAt, Err: cause}
	ev.Kind, ev.Err, ev.RetryAt = EventOutage, re, rec.NextAt
	ev.Reason = "refresh failed, nothing removed, retrying later: " + cause.Error()
	if ctx.Err() != nil {
		ev.Kind, ev.Reason = EventError, "run cancelled"
		return ev
	}
	if err := w.cfg.Tokens.Replace(ctx, old, rec); err != nil {
		return conflictOr(ev, err, "recording the failure")
	}
	return ev
}

// apply stores a rotated token first (the old one is now spent at the
// identity provider), then re-applies profile and grant sync.
func (w *Worker) apply(ctx context.Context, rec TokenRecord, ev Event, token string, got Refreshed) Event {
	old := rec.Sealed
	if got.RefreshToken != "" && got.RefreshToken != token || w.cfg.Sealer.NeedsReseal(old) {
		tok := token
		if got.RefreshToken != "" {
			tok = got.RefreshToken
		}
		sealed, err := w.cfg.Sealer.Seal(rec.UserID, tok)
		if err != nil {
			return errEvent(ev, err, "sealing the rotated token")
		}
		rec.Sealed = sealed
	}
	next, err := w.nextAt(w.cfg.Now())
	if err != nil {
		return errEvent(ev, err, "scheduling")
	}
	rec.NextAt, rec.Failures, rec.ClaimCount = next, 0, 0
	if err := w.cfg.Tokens.Replace(ctx, old, rec); err != nil {
		return conflictOr(ev, err, "storing the refreshed token")
	}
	if w.cfg.Profiles != nil {
		if err := w.cfg.Profiles.UpdateProfile(ctx, rec.UserID, got.Claims); err != nil {
			return errEvent(ev, err, "updating the profile")
		}
	}
	want, err := w.cfg.Map(ctx, rec.Connection, got.Claims)
	if err != nil {
		return errEvent(ev, err, "mapping the refreshed claims")
	}
	res, err := w.syncer.Sync(ctx, Request{UserID: rec.UserID, FromIdP: true, Mode: rec.Mode, Desired: want})
	ev.Diff = res.Applied
	if err != nil {
		return errEvent(ev, err, "applying the sync")
	}
	ev.Kind, ev.Reason = EventSynced, "refreshed and synced"
	return ev
}

func errEvent(ev Event, err error, what string) Event {
	ev.Kind, ev.Err = EventError, err
	ev.Reason = what + " failed: " + err.Error()
	return ev
}

func conflictOr(ev Event, err error, what string) Event {
	if errors.Is(err, ErrTokenConflict) || errors.Is(err, ErrTokenNotFound) {
		ev.Kind, ev.Err = EventConflict, err
		ev.Reason = "token replaced concurrently (new login or another instance) while " + what + "; result dropped"
		return ev
	}
	return errEvent(ev, err, what)
}
