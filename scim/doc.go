// Package scim serves SCIM 2.0 provisioning (RFC 7643, RFC 7644) for a
// multi-tenant application, so that Okta and Microsoft Entra ID can create,
// update, deactivate and delete the application's users and groups.
//
// # Handler
//
// [New] returns a [Handler] serving /Users, /Users/{id}, /Groups,
// /Groups/{id}, POST /Users/.search and /Groups/.search,
// /ServiceProviderConfig, /ResourceTypes and /Schemas under
// [Config.BaseURL]. Bulk operations are not offered. Every request authenticates with a per-tenant bearer
// token; the [Authenticator] maps the token to a tenant, and every [Store]
// call carries that tenant, so one tenant can never see or change another's
// resources. The token is accepted with or without the word "Bearer",
// because admins paste the bare token into Okta's and Entra's forms.
// [TokenSet] keeps only SHA-256 hashes of tokens and compares them in
// constant time; [NewToken] mints tokens.
//
// # Users are SSO-only
//
// Users created here have no password (a password sent by a client is
// dropped, never stored). The host treats them as pending until their first
// SSO login, which finds them with [FindUser]. DELETE removes a user and
// PATCH or PUT with active false deactivates one; [Config.OnChange] tells
// the host so it can end sessions.
//
// # Filters, sorting and paging
//
// [ParseFilter] parses the full RFC 7644 filter grammar into an exported
// AST ([AttrExpr], [LogicalExpr], [NotExpr], [ValuePathExpr]) that the
// handler canonicalises ([Canonicalize]) and hands to [Store.List], so a SQL
// store can translate it; [NewMatcher] evaluates it with each attribute's
// type and caseExact rule, and [NewSorter] orders results.
//
// # PATCH
//
// [ParsePatch] and the handler implement add, replace and remove with and
// without paths, value-path filters (members[value eq "id"]) and the
// clients' habits: Entra's capitalised "Replace", booleans sent as "False",
// path-less values keyed by paths, members added and removed in bulk, and
// Okta's path-less replace of active.
//
// # Limits
//
// Bodies are read only after the token is accepted and are capped by
// [Config.MaxBodyBytes] (413 beyond it); a PATCH holds at most
// [MaxPatchOperations] operations; filters and paths are at most
// [MaxFilterLength] bytes and nest at most 32 deep; pages are capped by
// [Config.MaxPageSize]. Malformed input gets a SCIM error response
// (invalidSyntax, invalidFilter, invalidPath, invalidValue, mutability,
// noTarget), never a panic: the filter parser, the PATCH parser and the
// create path are fuzzed.
//
// # Store
//
// [MemoryStore] is the embedded store, safe for concurrent use, with
// indexes for the lookups provisioning clients make (id, userName,
// externalId, emails, group displayName). userName uniqueness ignores case
// the way [strings.EqualFold] does. Errors wrap [ErrNotFound], [ErrUniqueness]
// (sent as 409 with scimType "uniqueness") and [ErrVersionMismatch]
// (412 for a stale If-Match; PATCH without If-Match retries).
package scim
