package groupsync

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestErrorMessagesAreSafeAndUnwrap(t *testing.T) {
	cause := errors.New("cause")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"config", &ConfigError{Field: "Period", Reason: "too short"}, "invalid config Period: too short"},
		{"apply", &ApplyError{UserID: "u1", Planned: Diff{Add: []Grant{{KindGroup, "g"}}, Remove: []Grant{{KindGroup, "h"}}},
			Applied: Diff{Add: []Grant{{KindGroup, "g"}}}, Err: cause}, `user "u1" failed after 1 of 2 changes`},
		{"refresh", &RefreshError{UserID: "u1", Failures: 3, RetryAt: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), Err: cause},
			`user "u1" failed (3 in a row), retry at 2026-05-01T09:00:00Z`},
		{"http", &HTTPError{Method: "GET", URL: "https://graph.microsoft.com/v1.0/users", StatusCode: 429, Err: ErrThrottled},
			"GET https://graph.microsoft.com/v1.0/users: unexpected status 429"},
		{"tenant", &TenantMismatchError{Got: "a", Want: "b"}, `tenant "a" is not the configured tenant "b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.err.Error(), tc.want) {
				t.Fatalf("Error() = %q, want it to contain %q", tc.err.Error(), tc.want)
			}
		})
	}
	for _, err := range []error{tests[1].err, tests[2].err} {
		if !errors.Is(err, cause) {
			t.Errorf("%T does not unwrap to its cause", err)
		}
	}
	if !errors.Is(tests[3].err, ErrThrottled) {
		t.Error("HTTPError does not unwrap to ErrThrottled")
	}
}

func TestHTTPErrorOmitsQueryString(t *testing.T) {
	if got := stripQuery("https://x/api?code=secret&a=b"); got != "https://x/api" {
		t.Fatalf("stripQuery = %q", got)
	}
}

func TestSleepCtxStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Fatalf("zero sleep = %v", err)
	}
}

func TestModeAndKindStrings(t *testing.T) {
	for v, want := range map[fmt_Stringer]string{ModeNone: "none", ModeAdditive: "additive", ModeStrict: "strict",
		Mode(9): "Mode(9)", KindGroup: "group", KindPermission: "permission", Kind(0): "unknown",
		StatusDeleted: "deleted", ActionCreate: "create", EventOutage: "outage", Grant{KindPermission, "x"}: "permission:x"} {
		if v.String() != want {
			t.Errorf("%#v.String() = %q, want %q", v, v.String(), want)
		}
	}
}

type fmt_Stringer interface{ String() string }
