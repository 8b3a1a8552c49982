package groupsync

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"
)

// Claims holds the claims documents read after a refresh. Any of them may
// be nil when the identity provider did not send it.
type Claims struct {
	IDToken     map[string]any
	UserInfo    map[string]any
	AccessToken map[string]any
}

// RefreshRequest names the token to refresh.
type RefreshRequest struct {
	UserID       string
	Connection   string
	RefreshToken string
}

// Refreshed is the result of a successful refresh.
type Refreshed struct {
	// RefreshToken is the new refresh token when the identity provider
	// rotated it; empty means the old one stays valid.
	RefreshToken string
	Claims       Claims
}

// Refresher redeems a refresh token at the identity provider. It must
// return an error wrapping ErrRefreshRevoked when the token is rejected as
// expired or revoked (OAuth2 invalid_grant), and any other error for an
// outage, which removes nothing.
type Refresher interface {
	Refresh(ctx context.Context, req RefreshRequest) (Refreshed, error)
}

// MapFunc turns refreshed claims into the user's desired grants; the
// composition layer plugs the mapping package in here.
type MapFunc func(ctx context.Context, connection string, c Claims) (Desired, error)

// ProfileUpdater re-applies profile sync (name, email, ...) from refreshed
// claims. It is optional.
type ProfileUpdater interface {
	UpdateProfile(ctx context.Context, userID string, c Claims) error
}

// WorkerConfig configures a [Worker]. Zero durations and counts take the
// documented defaults.
type WorkerConfig struct {
	Tokens      TokenStore      // required
	Sealer      *Sealer         // required
	Refresher   Refresher       // required
	Map         MapFunc         // required
	Memberships MembershipStore // required
	Profiles    ProfileUpdater  // optional

	// Period is the longest a user goes without a sync: each user is due
	// again at most Period-Tick after a refresh, minus up to Jitter.
	// Default 10 minutes.
	Period time.Duration
	// Jitter spreads users over time. Default Period/10.
	Jitter time.Duration
	// Tick is how often Run looks for due users. Default 30 seconds.
	Tick time.Duration
	// Lease is how long a claimed user is hidden from other instances.
	// Default 5 minutes. A worker starts a user's refresh only while more
	// than a fifth of the lease is left, and the refresh call must end by
	// then, so that the rest of the lease is left for storing the rotated
	// token: an instance never spends a refresh token on a lease another
	// instance may already have taken over. Keep Lease well above
	// Batch/Concurrency times the identity provider's response time; users
	// left when it runs out are claimed again after it expires.
	Lease time.Duration
	// Batch is the most users claimed per run. Default 500.
	Batch int
	// Concurrency bounds the refreshes in flight. Default 4.
	Concurrency int
	// MinBackoff and MaxBackoff bound the exponential retry delay after an
	// outage. Defaults 1 minute and 1 hour.
	MinBackoff, MaxBackoff time.Duration

	Now   func() time.Time                     // nil means time.Now
	Rand  io.Reader                            // jitter source; nil means crypto/rand
	After func(time.Duration) <-chan time.Time // nil means time.After

	OnEvent func(Event)    // called for every user processed; optional
	OnRun   func(RunStats) // called after every run; optional
	Logger  *slog.Logger   // optional
}

func (c *WorkerConfig) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Period, 10*time.Minute)
	def(&c.Jitter, c.Period/10)
	def(&c.Tick, 30*time.Second)
	def(&c.Lease, 5*time.Minute)
	def(&c.MinBackoff, time.Minute)
	def(&c.MaxBackoff, time.Hour)
	if c.Batch == 0 {
		c.Batch = 500
	}
	if c.Concurrency == 0 {
		c.Concurrency = 4
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.After == nil {
		c.After = time.After
	}
}

func (c *WorkerConfig) validate() error {
	switch {
	case c.Tokens == nil:
		return &ConfigError{Field: "Tokens", Reason: "is nil"}
	case c.Sealer == nil:
		return &ConfigError{Field: "Sealer", Reason: "is nil"}
	case c.Refresher == nil:
		return &ConfigError{Field: "Refresher", Reason: "is nil"}
	case c.Map == nil:
		return &ConfigError{Field: "Map", Reason: "is nil"}
	case c.Memberships == nil:
		return &ConfigError{Field: "Memberships", Reason: "is nil"}
	case c.Period < 0 || c.Jitter < 0 || c.Tick < 0 || c.Lease < 0 || c.MinBackoff < 0 || c.MaxBackoff < 0:
		return &ConfigError{Field: "Period", Reason: "durations must not be negative"}
	case c.Period <= c.Tick+c.Jitter:
		return &ConfigError{Field: "Period", Reason: "must exceed Tick+Jitter"}
	case c.MaxBackoff < c.MinBackoff:
		return &ConfigError{Field: "MaxBackoff", Reason: "is below MinBackoff"}
	case c.Batch < 0 || c.Concurrency < 0:
		return &ConfigError{Field: "Concurrency", Reason: "must not be negative"}
	}
	return nil
}

// EventKind classifies what happened to one user in a run.
type EventKind uint8

const (
	// EventSynced: the token was refreshed (and stored if rotated) and sync
	// re-applied.
	EventSynced EventKind = iota + 1
	// EventRevoked: the identity provider rejected the refresh token; the
	// user's IdP-derived grants were removed and the token deleted.
	EventRevoked
	// EventOutage: the refresh failed for another reason; nothing was
	// removed and the user is retried after a backoff.
	EventOutage
	// EventConflict: another instance or a new login replaced the token
	// meanwhile; this run's result was dropped.
	EventConflict
	// EventError: the refresh succeeded but storing or applying it failed.
	EventError
)

// String returns the lower-case name used in configuration and logs.
func (k EventKind) String() string {
	return [...]string{"unknown", "synced", "revoked", "outage", "conflict", "error"}[min(int(k), 5)]
}

// Event reports what one run did for one user.
type Event struct {
	Kind    EventKind
	UserID  string
	Diff    Diff      // grants changed
	Reason  string    // why, safe to show an administrator
	RetryAt time.Time // for EventOutage
	Err     error
}

// RunStats are the metrics of one run.
type RunStats struct {
	Started, Finished time.Time
	Claimed           int
	Synced            int
	Revoked           int
	Outages           int
	Conflicts         int
	Errors            int
	// LeaseExpired counts claimed users left unrefreshed because too
	// little of the lease was left to start them; they are due again when
	// the lease expires.
	LeaseExpired int
}
