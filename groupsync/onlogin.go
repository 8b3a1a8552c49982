package groupsync

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Mode is a connection's permission sync mode.
type Mode uint8

const (
	// ModeNone leaves memberships and permissions entirely to the host.
	ModeNone Mode = iota
	// ModeAdditive adds what the identity provider says and never removes.
	ModeAdditive
	// ModeStrict makes IdP-derived grants exactly what the identity
	// provider says. Manual grants are still kept.
	ModeStrict
)

// String returns the lower-case name used in configuration and logs.
func (m Mode) String() string {
	switch m {
	case ModeNone:
		return "none"
	case ModeAdditive:
		return "additive"
	case ModeStrict:
		return "strict"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode reads "none", "additive" or "strict" (case-insensitive; empty
// means none).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return ModeNone, nil
	case "additive":
		return ModeAdditive, nil
	case "strict":
		return ModeStrict, nil
	}
	return 0, &ConfigError{Field: "Mode", Reason: fmt.Sprintf("unknown sync mode %q", s)}
}

// Diff is a set of changes to one user's grants, sorted by kind then id.
type Diff struct {
	Add    []Grant
	Remove []Grant
}

// Len returns the number of changes.
func (d Diff) Len() int { return len(d.Add) + len(d.Remove) }

// Empty reports whether the diff changes nothing.
func (d Diff) Empty() bool { return d.Len() == 0 }

// Desired is what the identity provider says a user should have, as host
// ids (the composition layer produces it with the mapping package).
type Desired struct {
	Groups      []string
	Permissions []string
}

// Request asks for one user's sync.
type Request struct {
	UserID string
	// FromIdP is true when the user signed in through a supported identity
	// provider. Users with a password (or from an unsupported IdP) are
	// never touched.
	FromIdP bool
	Mode    Mode
	Desired Desired
}

// Result is the outcome of a sync: the diff applied and the desired groups
// that were ignored because they carry no IdP identifier.
type Result struct {
	Applied Diff
	Ignored []string
	Skipped string // non-empty when nothing was considered, with the reason
}

// Plan computes the diff that brings snap to the desired state under mode.
// It is pure and deterministic: only groups in snap.ManagedGroups are
// touched, only grants with OriginIdP are ever removed (manual grants and
// grants of unknown origin stay), and additive mode never removes anything.
func Plan(mode Mode, snap Snapshot, want Desired) (Diff, []string) {
	if mode != ModeAdditive && mode != ModeStrict {
		return Diff{}, nil
	}
	managed := make(map[string]bool, len(snap.ManagedGroups))
	for _, g := range snap.ManagedGroups {
		managed[g] = true
	}
	held := make(map[Grant]Origin, len(snap.Held))
	for _, h := range snap.Held {
		if h.Kind == KindGroup && !managed[h.ID] {
			continue
		}
		if o, ok := held[h.Grant]; !ok || o == OriginIdP {
			held[h.Grant] = h.Origin // a manual or unknown origin wins over IdP
		}
	}
	desired, ignored := desiredSet(want, managed)
	var d Diff
	for g := range desired {
		if _, ok := held[g]; !ok {
			d.Add = append(d.Add, g)
		}
	}
	if mode == ModeStrict {
		for g, o := range held {
			if o == OriginIdP && !desired[g] {
				d.Remove = append(d.Remove, g)
			}
		}
	}
	sortGrants(d.Add)
	sortGrants(d.Remove)
	return d, ignored
}

func desiredSet(want Desired, managed map[string]bool) (map[Grant]bool, []string) {
	set := make(map[Grant]bool, len(want.Groups)+len(want.Permissions))
	var ignored []string
	for _, id := range want.Groups {
		if !managed[id] {
			if !slices.Contains(ignored, id) {
				ignored = append(ignored, id)
			}
			continue
		}
		set[Grant{KindGroup, id}] = true
	}
	for _, id := range want.Permissions {
		if id != "" {
			set[Grant{KindPermission, id}] = true
		}
	}
	slices.Sort(ignored)
	return set, ignored
}

func sortGrants(gs []Grant) {
	slices.SortFunc(gs, compareGrant)
}

func compareGrant(a, b Grant) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	return strings.Compare(a.ID, b.ID)
}

// Syncer applies on-login sync through a host MembershipStore.
type Syncer struct {
	store MembershipStore
}

// NewSyncer returns a Syncer over store.
func NewSyncer(store MembershipStore) (*Syncer, error) {
	if store == nil {
		return nil, &ConfigError{Field: "MembershipStore", Reason: "is nil"}
	}
	return &Syncer{store: store}, nil
}

// Sync brings the user's IdP-managed grants in line with req.Desired under
// req.Mode and returns the diff applied. Running it twice applies nothing
// the second time. If the store fails, the error is an *ApplyError stating
// exactly what was applied.
func (s *Syncer) Sync(ctx context.Context, req Request) (Result, error) {
	switch {
	case !req.FromIdP:
		return Result{Skipped: "user did not sign in through an identity provider"}, nil
	case req.Mode == ModeNone:
		return Result{Skipped: "sync mode is none"}, nil
	case req.Mode != ModeAdditive && req.Mode != ModeStrict:
		return Result{}, &ConfigError{Field: "Mode", Reason: "unknown sync mode " + req.Mode.String()}
	}
	snap, err := s.store.Snapshot(ctx, req.UserID)
	if err != nil {
		return Result{}, fmt.Errorf("groupsync: reading memberships of user %q: %w", req.UserID, err)
	}
	d, ignored := Plan(req.Mode, snap, req.Desired)
	res := Result{Ignored: ignored}
	if d.Empty() {
		return res, nil
	}
	applied, err := s.store.Apply(ctx, req.UserID, d)
	res.Applied = applied
	if err != nil {
		return res, &ApplyError{UserID: req.UserID, Planned: d, Applied: applied, Err: err}
	}
	return res, nil
}

// RemoveIdPGrants removes every IdP-derived grant of the user (in managed
// groups and permissions), keeping manual ones. The refresh worker calls it
// when a refresh token is revoked.
func (s *Syncer) RemoveIdPGrants(ctx context.Context, userID string) (Diff, error) {
	res, err := s.Sync(ctx, Request{UserID: userID, FromIdP: true, Mode: ModeStrict})
	return res.Applied, err
}
