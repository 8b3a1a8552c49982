package groupsynctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
)

// t0 has a nanosecond part so that precision loss shows.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC)

func rec(uid string, next time.Time, sealed string) groupsync.TokenRecord {
	return groupsync.TokenRecord{
		UserID: uid, Connection: "okta-" + uid, Mode: groupsync.ModeStrict,
		Sealed: []byte(sealed), NextAt: next, Failures: 2,
	}
}

func sameRecord(a, b groupsync.TokenRecord) bool {
	return a.UserID == b.UserID && a.Connection == b.Connection && a.Mode == b.Mode &&
		bytes.Equal(a.Sealed, b.Sealed) && a.NextAt.Equal(b.NextAt) &&
		a.Failures == b.Failures && a.Revoked == b.Revoked
}

// Claim calls s.Claim and fails the test on an error: the records due at
// now, leased until lease, at most limit.
func Claim(t *testing.T, s groupsync.TokenStore, now, lease time.Time, limit int) []groupsync.TokenRecord {
	t.Helper()
	got, err := s.Claim(context.Background(), now, lease, limit)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return got
}

// UserIDs lists the records' user ids, space separated, for test
// messages.
func UserIDs(recs []groupsync.TokenRecord) string {
	var b bytes.Buffer
	for _, r := range recs {
		fmt.Fprintf(&b, "%s ", r.UserID)
	}
	return b.String()
}

// TestTokenStore runs the conformance suite every groupsync.TokenStore must
// pass, each case on a fresh store from open: leases by Claim (due is
// NextAt <= now to the nanosecond, oldest first, limit), claim counting,
// Put overwriting, compare-and-swap Replace and Remove with
// ErrTokenConflict and ErrTokenNotFound, and binary tokens and odd user
// ids. ssokit runs it against groupsync.MemoryTokens, redisstore and
// sqlstore; a host's own store should pass it too.
func TestTokenStore(t *testing.T, open func(t *testing.T) groupsync.TokenStore) {
	ctx := context.Background()
	t.Run("put then claim returns the record and leases it", func(t *testing.T) {
		s := open(t)
		want := rec("u1", t0, "sealed-1")
		want.Revoked = true
		if err := s.Put(ctx, want); err != nil {
			t.Fatal(err)
		}
		got := Claim(t, s, t0, t0.Add(time.Minute), 10)
		if len(got) != 1 || !sameRecord(got[0], want) {
			t.Fatalf("Claim = %+v, want [%+v]", got, want)
		}
		if again := Claim(t, s, t0.Add(time.Minute-1), t0.Add(time.Hour), 10); len(again) != 0 {
			t.Fatalf("leased record claimed again before lease end: %s", UserIDs(again))
		}
		after := Claim(t, s, t0.Add(time.Minute), t0.Add(time.Hour), 10)
		want.NextAt = t0.Add(time.Minute)
		if len(after) != 1 || !sameRecord(after[0], want) {
			t.Fatalf("Claim at lease end = %+v, want [%+v]", after, want)
		}
	})
	t.Run("due is NextAt <= now to the nanosecond", func(t *testing.T) {
		s := open(t)
		_ = s.Put(ctx, rec("early", t0, "a"))
		_ = s.Put(ctx, rec("late", t0.Add(time.Nanosecond), "b"))
		if got := UserIDs(Claim(t, s, t0, t0.Add(time.Hour), 10)); got != "early " {
			t.Fatalf("claimed %q, want only early", got)
		}
	})
	t.Run("oldest due first and limit", func(t *testing.T) {
		s := open(t)
		for i, uid := range []string{"c", "a", "d", "b"} {
			_ = s.Put(ctx, rec(uid, t0.Add(-time.Duration(i)*time.Second), "x"))
		}
		if got := UserIDs(Claim(t, s, t0, t0.Add(time.Hour), 3)); got != "b d a " {
			t.Fatalf("claimed %q, want %q", got, "b d a ")
		}
		if got := UserIDs(Claim(t, s, t0, t0.Add(time.Hour), 3)); got != "c " {
			t.Fatalf("second claim %q, want %q", got, "c ")
		}
		if got := Claim(t, s, t0.Add(2*time.Hour), t0.Add(3*time.Hour), 0); len(got) != 0 {
			t.Fatalf("limit 0 claimed %s", UserIDs(got))
		}
	})
	t.Run("zero NextAt is due", func(t *testing.T) {
		s := open(t)
		_ = s.Put(ctx, rec("z", time.Time{}, "x"))
		got := Claim(t, s, t0, t0.Add(time.Hour), 10)
		if len(got) != 1 || !got[0].NextAt.IsZero() {
			t.Fatalf("Claim = %+v, want z with zero NextAt", got)
		}
	})
	t.Run("put overwrites record and schedule", func(t *testing.T) {
		s := open(t)
		_ = s.Put(ctx, rec("u", t0, "old"))
		_ = s.Put(ctx, rec("u", t0.Add(time.Hour), "new"))
		if got := Claim(t, s, t0, t0.Add(time.Minute), 10); len(got) != 0 {
			t.Fatalf("old schedule still claimable: %s", UserIDs(got))
		}
		got := Claim(t, s, t0.Add(time.Hour), t0.Add(2*time.Hour), 10)
		if len(got) != 1 || string(got[0].Sealed) != "new" {
			t.Fatalf("Claim = %+v, want the new record once", got)
		}
	})
	t.Run("claim counts claims until a put or replace resets them", func(t *testing.T) {
		s := open(t)
		r := rec("c", t0, "sealed")
		_ = s.Put(ctx, r)
		for i, now := range []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute)} {
			got := Claim(t, s, now, now.Add(time.Minute), 10)
			if len(got) != 1 || got[0].ClaimCount != i+1 {
				t.Fatalf("claim %d = %+v, want Claims %d", i+1, got, i+1)
			}
		}
		r.NextAt = t0.Add(time.Hour)
		if err := s.Replace(ctx, []byte("sealed"), r); err != nil {
			t.Fatal(err)
		}
		if got := Claim(t, s, t0.Add(time.Hour), t0.Add(2*time.Hour), 10); len(got) != 1 || got[0].ClaimCount != 1 {
			t.Fatalf("claim after replace = %+v, want Claims 1", got)
		}
		r.NextAt, r.ClaimCount = t0.Add(3*time.Hour), 5
		_ = s.Put(ctx, r)
		if got := Claim(t, s, t0.Add(3*time.Hour), t0.Add(4*time.Hour), 10); len(got) != 1 || got[0].ClaimCount != 6 {
			t.Fatalf("claim after put with Claims 5 = %+v, want Claims 6", got)
		}
		if err := s.Remove(ctx, "c", []byte("sealed")); err != nil {
			t.Fatal(err)
		}
		r.NextAt, r.ClaimCount = t0, 0
		_ = s.Put(ctx, r)
		if got := Claim(t, s, t0, t0.Add(time.Minute), 10); len(got) != 1 || got[0].ClaimCount != 1 {
			t.Fatalf("claim after remove and put = %+v, want Claims 1", got)
		}
	})
	t.Run("replace is compare-and-swap", func(t *testing.T) {
		s := open(t)
		if err := s.Replace(ctx, []byte("x"), rec("nobody", t0, "y")); !errors.Is(err, groupsync.ErrTokenNotFound) {
			t.Fatalf("replace missing: %v, want ErrTokenNotFound", err)
		}
		_ = s.Put(ctx, rec("u", t0, "v1"))
		if err := s.Replace(ctx, []byte("v0"), rec("u", t0, "bad")); !errors.Is(err, groupsync.ErrTokenConflict) {
			t.Fatalf("replace stale: %v, want ErrTokenConflict", err)
		}
		next := rec("u", t0.Add(time.Hour), "v2")
		next.Failures, next.Mode = 0, groupsync.ModeAdditive
		if err := s.Replace(ctx, []byte("v1"), next); err != nil {
			t.Fatalf("replace current: %v", err)
		}
		if err := s.Replace(ctx, []byte("v1"), rec("u", t0, "v3")); !errors.Is(err, groupsync.ErrTokenConflict) {
			t.Fatalf("second replace with the same old: %v, want ErrTokenConflict", err)
		}
		if got := Claim(t, s, t0, t0.Add(time.Minute), 10); len(got) != 0 {
			t.Fatalf("replace kept the old schedule: %s", UserIDs(got))
		}
		got := Claim(t, s, t0.Add(time.Hour), t0.Add(2*time.Hour), 10)
		if len(got) != 1 || !sameRecord(got[0], next) {
			t.Fatalf("Claim = %+v, want [%+v]", got, next)
		}
	})
	t.Run("remove is compare-and-swap", func(t *testing.T) {
		s := open(t)
		if err := s.Remove(ctx, "nobody", []byte("x")); !errors.Is(err, groupsync.ErrTokenNotFound) {
			t.Fatalf("remove missing: %v, want ErrTokenNotFound", err)
		}
		_ = s.Put(ctx, rec("u", t0, "v1"))
		if err := s.Remove(ctx, "u", []byte("v0")); !errors.Is(err, groupsync.ErrTokenConflict) {
			t.Fatalf("remove stale: %v, want ErrTokenConflict", err)
		}
		if err := s.Remove(ctx, "u", []byte("v1")); err != nil {
			t.Fatalf("remove current: %v", err)
		}
		if got := Claim(t, s, t0.Add(time.Hour), t0.Add(2*time.Hour), 10); len(got) != 0 {
			t.Fatalf("removed record claimed: %s", UserIDs(got))
		}
		if err := s.Replace(ctx, []byte("v1"), rec("u", t0, "v2")); !errors.Is(err, groupsync.ErrTokenNotFound) {
			t.Fatalf("replace after remove: %v, want ErrTokenNotFound", err)
		}
	})
	t.Run("binary tokens and odd user ids round-trip", func(t *testing.T) {
		s := open(t)
		sealed := "\x00\xff:{}\n" + string(bytes.Repeat([]byte{0x80}, 300))
		want := rec("user:with:colons/ü\x00", t0, sealed)
		_ = s.Put(ctx, want)
		got := Claim(t, s, t0, t0.Add(time.Hour), 10)
		if len(got) != 1 || !sameRecord(got[0], want) {
			t.Fatalf("Claim = %+v, want [%+v]", got, want)
		}
		if err := s.Remove(ctx, want.UserID, []byte(sealed)); err != nil {
			t.Fatalf("remove with binary token: %v", err)
		}
	})
}
