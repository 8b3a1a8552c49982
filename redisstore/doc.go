// Package redisstore keeps ssokit's shared state in Redis, for deployments
// that run several instances behind one load balancer.
//
// # What is shared
//
// A single instance needs no server-side store: login state travels in an
// encrypted, signed cookie or state parameter. Several instances share
// three things, and a Store holds all of them:
//
//   - the replay cache of SAML assertion IDs and JWT jti values. Store.Seen
//     has the method set of the ReplayCache interface that the saml and
//     jwtsso packages declare, so one Store serves both;
//   - the per-user lease of the background refresh worker: Store.Claim is
//     groupsync.TokenStore's Claim, which hands each due user to exactly one
//     instance and moves its NextAt to the lease end;
//   - the sealed refresh tokens, replaced and removed by compare-and-swap
//     (Store.Replace, Store.Remove) because Okta and Entra ID rotate refresh
//     tokens on use.
//
// # How it uses Redis
//
// Seen is one SET key 1 NX PXAT until: atomic across all clients, expired
// by Redis itself at the absolute time until (judged by the Redis server's
// clock, so keep the clocks of instances and Redis in sync; skew shortens
// or lengthens the window by its size). Replay keys are
// "<prefix>replay:" plus the base64url SHA-256 of the caller's key, so any
// key takes a bounded 50 bytes plus the prefix and its content never
// reaches Redis.
//
// Token records live in five keys that share the hash tag "{<prefix>}" (one
// Redis Cluster slot): hashes of sealed tokens, metadata, schedule and
// claim count per user id, and an index ordered by NextAt to the
// nanosecond. Put, Claim,
// Replace and Remove are each one Lua script, so every check-and-write is
// atomic. A Claim blocks Redis while it runs: keep the worker's batch in
// the hundreds.
//
// Config.Prefix (default "ssokit:") starts every key, so several
// deployments or environments can share one Redis and ACLs can grant
// "~<prefix>*". Pass any redis.UniversalClient (single node, Sentinel
// failover, Cluster) as Config.Client, or an address as Config.Addr. The
// tests run the token conformance suite on a single node and on a
// three-master Cluster; Sentinel is not tested.
//
// # Leases and fencing
//
// A lease is the record's NextAt moved to the lease end by Claim; there is
// no separate lock to release. The sealed token is the fencing token:
// Replace and Remove compare it, so an instance whose lease expired and
// whose successor stored a rotated token gets groupsync.ErrTokenConflict
// and drops its result. groupsync.Worker also starts a refresh only while
// more than a fifth of its lease is left and bounds the refresh call by
// the lease, so that two instances never spend one refresh token. Claim
// counts the claims of each record since its last write: a worker that
// finds a second claim, and a token the provider rejects, reports
// groupsync.ErrLeaseAbandoned (an instance died between the refresh at the
// identity provider and the store, so the user must sign in again).
// internal/multitest proves this with three worker processes, one of them
// killed with SIGKILL mid-period.
//
// # Short leases by key
//
// Store.Acquire is the Leaser of package domains, so that with several
// instances each tenant domain is re-checked by one instance per round:
// SET "<prefix>lease:<key>" token NX PX ttl with a random 128-bit token,
// released by a Lua compare-and-delete on that token, so a holder whose
// lease expired and was taken again never ends the new holder's lease.
// It fails closed: when Redis cannot answer, the lease is not acquired
// and the error matches ErrUnavailable. It carries no fencing token; the
// domains store's compare-and-swap on the record version makes a late
// holder's write fail instead. A lost lease (restart without persistence)
// costs at most one duplicate DNS lookup.
//
// # What Redis needs
//
// Redis 6.2 or later (PXAT), with Lua scripting; go-redis v9 is the client.
// Replay entries need no persistence: after a restart without it, keys
// recorded before the restart are forgotten, and an assertion or token
// captured then could be replayed until it expires (minutes, bounded by
// the token's own lifetime).
//
// Token records are not cache. Without persistence (and without a replica
// that takes over), a restart loses every stored refresh token and lease:
// background sync stops for those users until they log in again, so
// their IdP-derived permissions stay as they were: a user disabled at the
// identity provider meanwhile keeps them, because nothing is refreshed any
// more to notice. Enable persistence for the token keys (or have the host
// re-store tokens, e.g. by forcing a login). Prefer AOF (appendfsync
// everysec or always) to RDB snapshots alone: a restored snapshot can bring
// back a refresh token that was rotated after the snapshot; the identity
// provider then rejects it as invalid_grant (some revoke the whole token
// family on reuse) and the worker removes that user's IdP-derived
// permissions until the next login. A restore also forgets leases taken
// since the snapshot, so a user may be refreshed twice.
//
// Run Redis with maxmemory-policy noeviction: an evicted token record is
// lost like one lost in a restart, and an evicted replay entry (they carry
// a TTL, so volatile-* policies pick them) reopens its replay window.
//
// # Failure modes
//
// Every call is bounded by Config.Timeout (default 2s) added to the
// caller's context. When Redis is unreachable, times out, answers with an
// error or the caller's context ends, calls return an *UnavailableError
// that matches ErrUnavailable with errors.Is and wraps the cause; its
// message names the kind of failure (timed out, network error, canceled,
// or the server's error reply, such as WRONGTYPE when another program wrote
// under the prefix) without network addresses. A token record that cannot
// be decoded gives a *CorruptError (ErrCorrupt). Seen
// fails closed: with an error it reports the key as seen (true), never as
// unseen, so a verifier that ignored the error would still reject. The
// store recovers by itself when Redis returns; scripts are loaded again
// when a restarted server no longer has them.
//
// A client built from Config.Addr has dial, read and write timeouts of
// Timeout, honours context deadlines, dials once per call and never
// retries a command, because a retried SET NX or script whose first
// attempt did run would report its own write as a replay or a conflict. A
// client passed as Config.Client is used as configured: give it
// ContextTimeoutEnabled or short read timeouts, or a stalled server can
// hold a call until its own ReadTimeout.
package redisstore
