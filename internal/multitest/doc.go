// Package multitest is the proof that several ssokit instances share one
// truth through Redis. It is internal and test-only in spirit: Main runs
// one instance (an sso.Handler and, when asked, a groupsync.Worker) wired
// to a shared redis-server, and the package's tests start three of them as
// separate OS processes.
//
// # The instance
//
// The tests re-execute their own test binary with the environment variable
// EnvInstance set; TestMain then calls Main with the flags (see Options)
// instead of running tests. This needs no "go build" step and works the
// same under -race. An instance reads its tenants from a Contiamo-format
// JSON file (sso.LoadFile), trusts the identity providers' TLS certificate
// from a PEM file, shares StateKey and the sealing key with its peers, and
// keeps replay entries, leases and refresh tokens in one redisstore.Store.
//
// # Protocol on stdout
//
// An instance writes one line per fact, for the test to read:
//
//	LISTEN 127.0.0.1:port   the HTTP address (first line)
//	LOGIN user connection   a completed login (after StartSession)
//	CLAIMED user...         users this instance just leased
//	EVENT kind user reason  a worker event (synced, revoked, outage, ...)
//	HANG user               the refresh of user reached the IdP and the
//	                        instance now stalls before storing it (crash test)
//
// # Control endpoints
//
// POST /_control/clock?offset=10m moves the worker's clock (real time plus
// the offset), so leases and periods pass without sleeping. POST
// /_control/hang?after=N makes the N-th next successful refresh stall
// after the IdP answered (until its lease-bound deadline), so the test can
// kill -9 the instance exactly between "refreshed at the IdP" and
// "stored". They exist only in
// this test instance and are never part of ssokit's API.
package multitest
