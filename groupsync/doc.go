// Package groupsync keeps a user's host group memberships and permissions
// true to what the identity provider says: on every login, in the
// background with refresh tokens, and against the customer's directory.
//
// It knows nothing of protocols or mapping rules: it takes the desired host
// group ids and permissions as plain strings (the composition layer gets
// them from the mapping package) and talks to the host through small,
// context-first interfaces.
//
// # On-login sync
//
// [Syncer.Sync] takes the desired grants and a [Mode]: [ModeStrict] makes
// IdP-derived grants exactly what the IdP says, [ModeAdditive] adds and
// never removes, [ModeNone] does nothing. Only groups that carry an IdP
// identifier ([Snapshot].ManagedGroups) are touched; grants an
// administrator gave by hand ([OriginManual]) and users who did not sign in
// through an IdP are left alone. [Plan] is the pure decision. The whole
// [Diff] goes to the host's [MembershipStore] in one Apply call, and the
// diff actually applied is returned, also when the store fails
// ([ApplyError]). Sync is idempotent, so a failed sync is finished by
// running it again.
//
// # Background refresh
//
// A [Worker] refreshes stored refresh tokens through a [Refresher] on a
// jittered schedule (by default every user within 10 minutes), maps the
// fresh claims with a [MapFunc] and re-applies sync. A token the identity
// provider rejects ([ErrRefreshRevoked]) removes the user's IdP-derived
// grants and is recorded in an [Event] with the reason; any other failure
// is an outage that removes nothing and backs off exponentially. Tokens
// live in a [TokenStore], sealed at rest by a [Sealer] (AES-256-GCM, key
// ids for rotation, bound to the user), and are replaced by
// compare-and-swap because Okta and Entra ID rotate them on use. Drive the
// worker with [Worker.Run], or call [Worker.RunOnce] from your own
// scheduler; time, randomness and the ticker are injected.
//
// # Directory reconciliation
//
// [Graph] (Microsoft Graph; client secret, certificate client assertion or
// any token source) and [Okta] (SSWS API key or OAuth bearer) list
// directory users in one shape, [DirectoryUser], following their paging
// links only on the configured origin and waiting out 429 responses
// through an injected sleep.
// [Reconcile] classifies directory users against host accounts into New,
// Existing and Deleted rows with a suggested link, create or unlink action
// and the last login outcome. [Okta.IsAssigned] checks that a user is
// assigned to the app; [Graph.Groups] fetches a user's groups when the ID
// token signals a groups overage.
package groupsync
