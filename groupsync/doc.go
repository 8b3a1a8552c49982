// Package groupsync keeps a user's host group memberships and permissions
// true to what the identity provider says: on every login, in the
// background with refresh tokens, and against the customer's directory.
//
// # On-login sync
//
// [Syncer.Sync] takes the desired host group ids and permissions (the
// mapping result) and a [Mode]: [ModeStrict] makes IdP-derived grants
// exactly what the IdP says, [ModeAdditive] adds and never removes,
// [ModeNone] does nothing. Only groups that carry an IdP identifier are
// touched; grants an administrator gave by hand ([OriginManual]) and users
// who did not sign in through an IdP are left alone. The whole [Diff] goes
// to the host's [MembershipStore] in one Apply call, and the diff actually
// applied is returned, also when the store fails ([ApplyError]).
package groupsync
