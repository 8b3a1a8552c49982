// Package groupsynctest checks implementations of groupsync's interfaces,
// as testing/fstest checks an fs.FS: a host that stores refresh tokens in
// its own database runs [TestTokenStore] against it.
package groupsynctest
