package sso_test

import (
	"bytes"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/groupsync"
	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/ssotest"
)

// Re:infer: permissions follow the IdP's groups through refresh tokens,
// and are removed when the refresh token is revoked.
func TestBackgroundSyncThroughRefreshTokens(t *testing.T) {
	c := oidcConn("reinfer", sso.KindOIDC)
	c.Provisioning, c.GroupSync = sso.JIT, "strict"
	c.Parameters.OfflineAccess = true
	c.Parameters.AuthMethod = "client_secret_post"
	c.Mapping.Permissions = []sso.PermissionRule{{Group: opsGroupGUID, Permissions: []string{"datasets.read"}}}
	e := newEnv(t, envOptions{tenants: []sso.Tenant{{Slug: "acme", Connections: []sso.Connection{c}}},
		opUsers: []ssotest.OIDCUser{torqueUser()}})

	var (
		mu  sync.Mutex
		now = time.Now()
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sealer, err := groupsync.NewSealer(groupsync.SealerConfig{Keys: map[string][]byte{"k1": bytes.Repeat([]byte{3}, 32)}, Current: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	tokens := groupsync.NewMemoryTokens()
	worker, err := groupsync.NewWorker(groupsync.WorkerConfig{Tokens: tokens, Sealer: sealer, Refresher: e.h,
		Map: e.h.MapClaims, Memberships: e.members, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.onSession = func(r *http.Request, res *sso.Result) error {
		if res.Identity.RefreshToken == "" || res.SyncMode != groupsync.ModeStrict {
			t.Errorf("refresh token %q, mode %v", res.Identity.RefreshToken, res.SyncMode)
		}
		return worker.Enroll(r.Context(), res.User.ID, res.SyncConnection(), res.SyncMode, res.Identity.RefreshToken)
	}
	res := e.wantLoggedIn(e.login("/sso/acme/login"))
	perms := func() []string {
		var out []string
		for _, h := range e.members.Held(res.User.ID) {
			out = append(out, h.ID)
		}
		return out
	}
	if got := perms(); !slices.Equal(got, []string{"ops", "datasets.read"}) {
		t.Fatalf("after login: %v", got)
	}
	run := func() groupsync.RunStats {
		mu.Lock()
		now = now.Add(11 * time.Minute)
		mu.Unlock()
		st, err := worker.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	u := torqueUser()
	u.Claims["groups"] = []any{"devs-guid"}
	e.op.SetUser(u)
	run()
	if got := perms(); !slices.Equal(got, []string{"devs"}) {
		t.Fatalf("after the IdP moved the user to devs: %v", got)
	}

	e.op.RevokeUser("sub-ann")
	run()
	if got := perms(); len(got) != 0 {
		t.Fatalf("after revocation: %v", got)
	}
}
