package groupsync

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Sentinel errors. They are wrapped with %w by the typed errors below, so
// callers test them with errors.Is.
var (
	// ErrRefreshRevoked reports that the identity provider rejected a refresh
	// token as expired or revoked (OAuth2 "invalid_grant"). The composition
	// layer maps the oidc package's error onto it. It is the only refresh
	// failure that removes a user's IdP-derived permissions.
	ErrRefreshRevoked = errors.New("groupsync: refresh token expired or revoked")

	// ErrLeaseAbandoned accompanies ErrRefreshRevoked when an earlier
	// claim of the user ended without a result (TokenRecord.ClaimCount above
	// 1): an instance died or stalled past its lease, perhaps after the
	// identity provider had rotated the token, so the token it left stored
	// was already spent. The user must sign in again.
	ErrLeaseAbandoned = errors.New("groupsync: an earlier claim ended without a result")

	// ErrTokenConflict reports that a compare-and-swap on a stored refresh
	// token failed because another instance replaced it first.
	ErrTokenConflict = errors.New("groupsync: stored refresh token changed concurrently")

	// ErrTokenNotFound reports that no refresh token is stored for a user.
	ErrTokenNotFound = errors.New("groupsync: no stored refresh token")

	// ErrUnsealable reports a sealed refresh token that cannot be opened:
	// unknown key id, tampering, or a value sealed for another user.
	ErrUnsealable = errors.New("groupsync: sealed token cannot be opened")

	// ErrThrottled reports that a directory API kept answering 429 Too Many
	// Requests (or 503) after every allowed retry.
	ErrThrottled = errors.New("groupsync: directory API throttled")

	// ErrForeignLink reports a paging link that points outside the
	// configured directory base URL; following it would leak credentials.
	ErrForeignLink = errors.New("groupsync: paging link leaves the directory base URL")

	// ErrTooLarge reports a directory listing or response above the
	// configured bound.
	ErrTooLarge = errors.New("groupsync: directory response too large")
)

// ConfigError reports an invalid configuration field found by a New
// function.
type ConfigError struct {
	Field  string // the Config field, e.g. "BaseURL"
	Reason string // what is wrong with it
}

// Error returns a message that is safe to show.
func (e *ConfigError) Error() string {
	return "groupsync: invalid config " + e.Field + ": " + e.Reason
}

// ApplyError reports that the host store failed while applying a diff.
// Applied is exactly what the store reports as persisted (empty for a
// transactional store); Planned is the whole diff that was attempted.
// Running the same sync again applies the remainder, because sync is
// idempotent.
type ApplyError struct {
	UserID  string
	Planned Diff
	Applied Diff
	Err     error
}

// Error returns a message that is safe to show.
func (e *ApplyError) Error() string {
	return fmt.Sprintf("groupsync: applying membership diff for user %q failed after %d of %d changes",
		e.UserID, e.Applied.Len(), e.Planned.Len())
}

// Unwrap returns the store's error.
func (e *ApplyError) Unwrap() error { return e.Err }

// RefreshError reports a refresh that failed for a reason other than
// revocation, typically an identity provider outage. Nothing is removed
// when it happens; the user is retried after RetryAt.
type RefreshError struct {
	UserID   string
	Failures int       // consecutive failures including this one
	RetryAt  time.Time // when the user is tried again
	Err      error
}

// Error returns a message that is safe to show.
func (e *RefreshError) Error() string {
	return "groupsync: refresh for user " + strconv.Quote(e.UserID) + " failed (" +
		strconv.Itoa(e.Failures) + " in a row), retry at " + e.RetryAt.UTC().Format(time.RFC3339)
}

// Unwrap returns the refresher's error.
func (e *RefreshError) Unwrap() error { return e.Err }

// HTTPError reports an unexpected status from a directory API. Body holds at
// most the first 512 bytes of the response, for logs.
type HTTPError struct {
	Method     string
	URL        string // without query string
	StatusCode int
	Body       string
	Err        error // ErrThrottled for exhausted 429/503 retries, else nil
}

// Error returns a message that is safe to show.
func (e *HTTPError) Error() string {
	return "groupsync: " + e.Method + " " + e.URL + ": unexpected status " + strconv.Itoa(e.StatusCode)
}

// Unwrap returns ErrThrottled when the status was a throttle that outlived
// the retries.
func (e *HTTPError) Unwrap() error { return e.Err }
