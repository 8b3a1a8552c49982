// Package sqlstore is ssokit's reference database/sql store. It keeps, in
// the host's own database:
//
//   - tenants and their SSO connections: [Store] is an
//     sso.ConnectionStore with writes under optimistic concurrency
//     ([Store.Put], [Store.DeleteConnection], [Store.SetTenant]);
//   - SCIM bearer tokens, as SHA-256 digests only: [Store] is a
//     scim.Authenticator ([Store.CreateSCIMToken], [Store.RotateSCIMToken],
//     [Store.RevokeSCIMToken]);
//   - SCIM users and groups: [Store.SCIM] is a scim.Store;
//   - tenant domains: [Store.Domains] is a domains.DomainStore;
//   - sealed refresh tokens for background group sync: [Store.SyncTokens]
//     is a groupsync.TokenStore;
//   - an audit log of every configuration change ([Store.AuditLog]) and
//     the latest SCIM requests per tenant with their status
//     ([Store.SCIMRequestLogger], [Store.SCIMRequests]).
//
// Each of these runs, in this package's tests, through the same
// conformance suite as the in-memory implementation it replaces, on
// SQLite and on a real PostgreSQL server.
//
// # Dialects
//
// [Postgres] uses pgx's database/sql driver ("pgx") and is meant for
// production and for several instances: row locks (SELECT ... FOR UPDATE)
// serialise writes to one tenant, and SKIP LOCKED lets several workers
// claim sync tokens. [SQLite] uses modernc.org/sqlite, a pure-Go driver
// (no cgo), and is the embedded default: one file, nothing to run. [Open]
// gives a SQLite handle one connection and starts write transactions with
// BEGIN IMMEDIATE and a busy timeout, so several processes may share the
// file. Queries are written once with ? placeholders and rebound per
// dialect; lists are sorted in Go, so results do not depend on a
// database collation.
//
// # Schema and migrations
//
// The schema is embedded SQL, one directory per dialect
// (migrations/sqlite, migrations/postgres), files named
// NNNN_name.sql. [Store.Migrate], which [Open] runs, applies every step
// not yet recorded in the table ssokit_schema_migrations, each in one
// transaction with its record; on PostgreSQL an advisory lock serialises
// instances starting together. Running it again changes nothing. All
// tables are prefixed ssokit_, so they can live beside the host's own.
//
// # Encryption and rotation
//
// The secret parameters of a connection (the OIDC client secret, the
// private_key_jwt private key and the JWT SSO shared secret) never reach
// the body column. The body holds only an allow-list of public fields;
// everything else, including any field sso.Parameters gains later, is
// sealed together with AES-256-GCM under the current key of the host's
// [KeyRing], as "v1.<key id>.<base64url(nonce | ciphertext)>", with the
// tenant and connection id as additional data, so a ciphertext copied
// into another row does not open. Reading needs
// the key that sealed the row; a missing key gives [ErrUnknownKey], a
// tampered or moved value [ErrDecrypt].
//
// To rotate: build the ring with the new key first and the old ones after
// it ([NewKeyRing], or [ParseKeyRing] from "new:base64,old:base64"),
// deploy it everywhere, then call [Store.Rotate], which re-encrypts every
// row still under an old key (compare-and-swap per row, so a concurrent
// save is never lost) and reports what it did. Once it
// reports nothing left, remove the old keys from the ring.
//
// SCIM tokens are random 256-bit values minted by scim.NewToken and shown
// once; only their SHA-256 digests are stored, and [Store.Authenticate]
// looks the digest up by index.
//
// # Audit
//
// Every write of a connection, tenant setting or SCIM token appends an
// [AuditEvent] in the same transaction: the tenant, the time, the actor
// the host put in the context ([ContextWithActor]), the action, the
// connection or token id, and the names of the fields that changed
// ("parameters.clientSecret"), never their values. [Store.RecordAudit]
// adds the host's own events (a setup link sent, a test login run).
//
// # What the host supplies
//
// A [Config] with the [Dialect]; a DSN or its own *sql.DB (the store then
// never closes it); the [KeyRing], whose 32-byte keys come from the host's
// secret manager, never from the same database; optionally sso.Secrets to
// resolve "env:" and "file:" references while validating, Now and Rand.
// Every write of a connection is validated with sso.Validate; a stale
// version gives a [*ConflictError] wrapping sso.ErrConflict, which a setup
// page shows as "changed by someone else, reload". Readers see every
// change on their next read, and the sso handler recompiles a connection
// when its Version changes.
package sqlstore
