package groupsync

import (
	"context"
	"time"
)

// Kind says whether a grant is a group membership or a permission.
type Kind uint8

const (
	// KindGroup is a membership of a host group.
	KindGroup Kind = iota + 1
	// KindPermission is a host permission (Re:infer style).
	KindPermission
)

// String returns the lower-case name used in configuration and logs.
func (k Kind) String() string {
	switch k {
	case KindGroup:
		return "group"
	case KindPermission:
		return "permission"
	}
	return "unknown"
}

// Grant is one group membership or permission, by host id.
type Grant struct {
	Kind Kind
	ID   string
}

// String returns "group:<id>" or "permission:<id>".
func (g Grant) String() string { return g.Kind.String() + ":" + g.ID }

// Origin says who gave a user a grant.
type Origin uint8

const (
	// OriginIdP marks a grant added by sync from the identity provider.
	OriginIdP Origin = iota + 1
	// OriginManual marks a grant an administrator gave in the host. Sync
	// never removes it.
	OriginManual
)

// Held is a grant the user currently holds, with its origin.
type Held struct {
	Grant
	Origin Origin
}

// Snapshot is what a MembershipStore knows about one user before a sync.
type Snapshot struct {
	// Held lists the user's current group memberships and permissions.
	Held []Held
	// ManagedGroups lists the host groups that carry an IdP identifier.
	// Only these groups are touched by sync; permissions are always
	// syncable.
	ManagedGroups []string
}

// MembershipStore is the host's view of a user's memberships. Apply is the
// one write: it receives the whole diff so that the host can apply it in a
// single transaction.
type MembershipStore interface {
	// Snapshot returns the user's current grants and the IdP-managed groups.
	Snapshot(ctx context.Context, userID string) (Snapshot, error)
	// Apply persists the diff: Add grants get OriginIdP, Remove grants are
	// deleted. It returns exactly what was persisted. A transactional store
	// returns the whole diff on success and an empty diff with its error;
	// a non-transactional store returns the part it persisted before
	// failing.
	Apply(ctx context.Context, userID string, d Diff) (applied Diff, err error)
}

// TokenRecord is one user's stored refresh token and schedule. Sealed is the
// output of [Sealer.Seal]; the plaintext token is never stored.
type TokenRecord struct {
	UserID     string
	Connection string // the connection that issued the token, for the Refresher
	Mode       Mode   // the connection's sync mode when the user logged in
	Sealed     []byte
	NextAt     time.Time // when the token is due for refresh
	Failures   int       // consecutive non-revocation failures
	// Revoked marks a token the identity provider rejected whose grant
	// removal has not completed yet; the worker retries the removal
	// without calling the identity provider again.
	Revoked bool
	// ClaimCount counts the claims since the record was last written: Claim
	// increments it, Put and Replace store the value given (the worker and
	// Enroll write 0). Above 1, an earlier claim ended without a result:
	// its instance died or stalled past the lease, perhaps after the
	// identity provider had already rotated the token.
	ClaimCount int
}

// TokenStore holds sealed refresh tokens. Replace and Remove are
// compare-and-swap operations on Sealed because Okta and Entra ID rotate
// refresh tokens on use: a new token must replace exactly the old one.
type TokenStore interface {
	// Put stores or overwrites the user's record (used at login).
	Put(ctx context.Context, rec TokenRecord) error
	// Claim atomically returns up to limit records with NextAt <= now and
	// moves their NextAt to leaseUntil, so that no other worker instance
	// claims them meanwhile. It increments each record's ClaimCount and
	// returns the incremented value.
	Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]TokenRecord, error)
	// Replace stores rec if the user's current Sealed equals old, else
	// returns ErrTokenConflict (or ErrTokenNotFound).
	Replace(ctx context.Context, old []byte, rec TokenRecord) error
	// Remove deletes the user's record if its Sealed equals old, else
	// returns ErrTokenConflict (or ErrTokenNotFound).
	Remove(ctx context.Context, userID string, old []byte) error
}
