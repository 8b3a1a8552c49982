package groupsynctest_test

import (
	"testing"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/groupsync/groupsynctest"
)

// The in-memory store is the reference the suite was written against.
func TestMemoryTokens(t *testing.T) {
	groupsynctest.TestTokenStore(t, func(*testing.T) groupsync.TokenStore { return groupsync.NewMemoryTokens() })
}

// A host checks its own token store in a test of its own. (Compiled, not
// run: it needs the test's *testing.T.)
func ExampleTestTokenStore() {
	var t *testing.T // the host's test
	groupsynctest.TestTokenStore(t, func(t *testing.T) groupsync.TokenStore {
		return groupsync.NewMemoryTokens() // the host's store, emptied for each case
	})
}
