package groupsync_test

import (
	"context"
	"fmt"
	"time"

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

func ExampleSealer() {
	key := make([]byte, 32) // in production: 32 random bytes from a secret store
	sealer, err := groupsync.NewSealer(groupsync.SealerConfig{
		Keys: map[string][]byte{"2026a": key}, Current: "2026a",
	})
	if err != nil {
		panic(err)
	}
	sealed, _ := sealer.Seal("alice", "refresh-token-from-okta")
	fmt.Println(string(sealed[:10]))
	opened, _ := sealer.Open("alice", sealed)
	fmt.Println(opened)
	_, err = sealer.Open("mallory", sealed)
	fmt.Println(err)
	// Output:
	// gs1.2026a.
	// refresh-token-from-okta
	// groupsync: sealed token cannot be opened: authentication failed (wrong user, key or tampered value)
}

// stubIdP stands in for the composition layer's Refresher over the oidc
// package: it rotates the token and reports the user's groups.
type stubIdP struct{}

func (stubIdP) Refresh(_ context.Context, req groupsync.RefreshRequest) (groupsync.Refreshed, error) {
	return groupsync.Refreshed{
		RefreshToken: req.RefreshToken + "+1",
		Claims:       groupsync.Claims{IDToken: map[string]any{"groups": []any{"eng"}}},
	}, nil
}

func ExampleWorker_RunOnce() {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	sealer, _ := groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"k1": make([]byte, 32)}, Current: "k1"})
	members := groupsync.NewMemoryMemberships("eng")
	w, err := groupsync.NewWorker(groupsync.WorkerConfig{
		Tokens: groupsync.NewMemoryTokens(), Sealer: sealer, Memberships: members, Refresher: stubIdP{},
		Map: func(_ context.Context, _ string, c groupsync.Claims) (groupsync.Desired, error) {
			var d groupsync.Desired
			for _, g := range c.IDToken["groups"].([]any) {
				d.Groups = append(d.Groups, g.(string))
			}
			return d, nil
		},
		Now: func() time.Time { return now },
		OnEvent: func(e groupsync.Event) {
			fmt.Println(e.Kind, e.UserID, e.Diff.Add)
		},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	_ = w.Enroll(ctx, "alice", "okta-main", groupsync.ModeStrict, "rt-1")
	now = now.Add(10 * time.Minute) // a host would call Run; here we drive the clock
	st, _ := w.RunOnce(ctx)
	fmt.Println("claimed", st.Claimed, "synced", st.Synced)
	// Output:
	// synced alice [group:eng]
	// claimed 1 synced 1
}
