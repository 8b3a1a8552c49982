package groupsync_test

import (
	"context"
	"fmt"

	"github.com/ssokit/ssokit/groupsync"
)

// A strict sync on login: the IdP now says the user is in "eng" only. The
// IdP-derived "ops" membership goes, the manual "sales" one stays, and
// "legacy" (no IdP identifier) is never touched.
func ExampleSyncer_Sync() {
	store := groupsync.NewMemoryMemberships("eng", "ops", "sales")
	store.Grant("alice", groupsync.Grant{Kind: groupsync.KindGroup, ID: "ops"}, groupsync.OriginIdP)
	store.Grant("alice", groupsync.Grant{Kind: groupsync.KindGroup, ID: "sales"}, groupsync.OriginManual)
	store.Grant("alice", groupsync.Grant{Kind: groupsync.KindGroup, ID: "legacy"}, groupsync.OriginIdP)
	syncer, _ := groupsync.NewSyncer(store)

	res, err := syncer.Sync(context.Background(), groupsync.Request{
		UserID: "alice", FromIdP: true, Mode: groupsync.ModeStrict,
		Desired: groupsync.Desired{Groups: []string{"eng", "legacy"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("added:", res.Applied.Add)
	fmt.Println("removed:", res.Applied.Remove)
	fmt.Println("ignored:", res.Ignored)
	// Output:
	// added: [group:eng]
	// removed: [group:ops]
	// ignored: [legacy]
}

func ExampleReconcile() {
	dir := []groupsync.DirectoryUser{
		{ID: "00u1", Email: "ann@example.com", Active: true},
		{ID: "00u2", Email: "Bob@Example.com", Active: true},
		{ID: "00u3", Email: "cy@example.com", Active: true},
	}
	host := []groupsync.HostUser{
		{ID: "w2w-ann", ExternalID: "00u1", Active: true},
		{ID: "w2w-bob", Email: "bob@example.com", Active: true},
		{ID: "w2w-dee", ExternalID: "00u9", Active: true},
	}
	r := groupsync.Reconcile(dir, host)
	for _, rows := range [][]groupsync.Row{r.New, r.Existing, r.Deleted} {
		for _, row := range rows {
			d, h := "-", "-"
			if row.Directory != nil {
				d = row.Directory.ID
			}
			if row.Host != nil {
				h = row.Host.ID
			}
			fmt.Println(row.Status, d, h, row.Action)
		}
	}
	// Output:
	// new 00u2 w2w-bob link
	// new 00u3 - create
	// existing 00u1 w2w-ann unlink
	// deleted - w2w-dee unlink
}
