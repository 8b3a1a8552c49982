// Package replay holds the in-memory replay cache that the saml and jwtsso
// verifiers use by default.
//
// Both packages declare their own ReplayCache interface with the same method
// set, so one implementation (this one, or a Redis-backed one for several
// instances) serves both.
package replay
