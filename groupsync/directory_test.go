package groupsync

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"HTTP date", "Fri, 01 May 2026 09:00:30 GMT", 30 * time.Second, true},
		{"past date waits nothing", "Fri, 01 May 2026 08:00:00 GMT", 0, true},
		{"negative seconds are ignored", "-1", 0, false},
		{"more than a day is ignored", "90000", 0, false},
		{"a far future date is ignored", "Wed, 01 Oct 2200 00:00:00 GMT", 0, false},
		{"garbage is ignored", "soon", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := ParseRetryAfter(tc.in, now); got != tc.want || ok != tc.ok {
				t.Fatalf("got %v, %v", got, ok)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, s := range []string{"7", "0", "-1", "Fri, 01 May 2026 09:00:30 GMT", "", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, now)
		if ok && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("ParseRetryAfter(%q) = %v", s, d)
		}
		if !ok && d != 0 {
			t.Fatalf("not ok but d = %v", d)
		}
	})
}
