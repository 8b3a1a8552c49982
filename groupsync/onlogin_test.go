package groupsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// syncTable is the specification of on-login sync for one group, over
// every combination of mode, current membership, IdP-desired membership and
// whether the group carries an IdP identifier ("managed").
//
//	mode      held    desired  managed  -> after
const syncTable = `
none      -       no   yes  -
none      -       yes  yes  -
none      idp     no   yes  idp
none      idp     yes  yes  idp
none      manual  no   yes  manual
none      manual  yes  yes  manual
none      -       yes  no   -
none      idp     no   no   idp
none      manual  no   no   manual
additive  -       no   yes  -
additive  -       yes  yes  idp
additive  idp     no   yes  idp
additive  idp     yes  yes  idp
additive  manual  no   yes  manual
additive  manual  yes  yes  manual
additive  -       yes  no   -
additive  idp     no   no   idp
additive  idp     yes  no   idp
additive  manual  no   no   manual
additive  manual  yes  no   manual
strict    -       no   yes  -
strict    -       yes  yes  idp
strict    idp     no   yes  -
strict    idp     yes  yes  idp
strict    manual  no   yes  manual
strict    manual  yes  yes  manual
strict    -       yes  no   -
strict    idp     no   no   idp
strict    idp     yes  no   idp
strict    manual  no   no   manual
strict    manual  yes  no   manual
`

func parseOrigin(t *testing.T, s string) Origin {
	switch s {
	case "-":
		return 0
	case "idp":
		return OriginIdP
	case "manual":
		return OriginManual
	}
	t.Fatalf("bad origin %q", s)
	return 0
}

func TestSyncEveryCombination(t *testing.T) {
	for _, line := range strings.Split(strings.TrimSpace(syncTable), "\n") {
		f := strings.Fields(line)
		name := fmt.Sprintf("%s: held %s, desired %s, managed %s gives %s", f[0], f[1], f[2], f[3], f[4])
		t.Run(name, func(t *testing.T) {
			mode, err := ParseMode(f[0])
			if err != nil {
				t.Fatal(err)
			}
			held, after := parseOrigin(t, f[1]), parseOrigin(t, f[4])
			var store *MemoryMemberships
			if f[3] == "yes" {
				store = NewMemoryMemberships("g1", "other")
			} else {
				store = NewMemoryMemberships("other")
			}
			g := Grant{KindGroup, "g1"}
			if held != 0 {
				store.Grant("u1", g, held)
			}
			var want Desired
			if f[2] == "yes" {
				want.Groups = []string{"g1"}
			}
			s, _ := NewSyncer(store)
			req := Request{UserID: "u1", FromIdP: true, Mode: mode, Desired: want}
			res, err := s.Sync(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got := originOf(store, "u1", g); got != after {
				t.Fatalf("after sync origin = %v, want %v (diff %+v)", got, after, res.Applied)
			}
			if wantChanged := held != after; wantChanged != !res.Applied.Empty() {
				t.Fatalf("diff %+v does not match change %v -> %v", res.Applied, held, after)
			}
			if f[2] == "yes" && f[3] == "no" && mode != ModeNone && !slices.Equal(res.Ignored, []string{"g1"}) {
				t.Fatalf("unmanaged desired group not reported as ignored: %v", res.Ignored)
			}
			again, err := s.Sync(context.Background(), req)
			if err != nil || !again.Applied.Empty() {
				t.Fatalf("second sync not idempotent: %+v, %v", again.Applied, err)
			}
		})
	}
}

func originOf(m *MemoryMemberships, user string, g Grant) Origin {
	for _, h := range m.Held(user) {
		if h.Grant == g {
			return h.Origin
		}
	}
	return 0
}

func TestSyncLeavesOthersAlone(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"user without an IdP is not touched", Request{UserID: "u1", FromIdP: false, Mode: ModeStrict}, "identity provider"},
		{"mode none is not touched", Request{UserID: "u1", FromIdP: true, Mode: ModeNone}, "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := NewMemoryMemberships("g1")
			store.Grant("u1", Grant{KindGroup, "g1"}, OriginIdP)
			store.Grant("u1", Grant{KindPermission, "read"}, OriginIdP)
			s, _ := NewSyncer(store)
			res, err := s.Sync(ctx, tc.req)
			if err != nil || !res.Applied.Empty() || !strings.Contains(res.Skipped, tc.want) {
				t.Fatalf("got %+v, %v", res, err)
			}
			if len(store.Held("u1")) != 2 {
				t.Fatalf("grants changed: %+v", store.Held("u1"))
			}
		})
	}
	t.Run("other users keep their memberships", func(t *testing.T) {
		store := NewMemoryMemberships("g1")
		store.Grant("u2", Grant{KindGroup, "g1"}, OriginIdP)
		s, _ := NewSyncer(store)
		if _, err := s.Sync(ctx, Request{UserID: "u1", FromIdP: true, Mode: ModeStrict}); err != nil {
			t.Fatal(err)
		}
		if originOf(store, "u2", Grant{KindGroup, "g1"}) != OriginIdP {
			t.Fatal("another user's membership was removed")
		}
	})
}

func TestSyncNeverRemovesUnknownOrigin(t *testing.T) {
	for _, held := range [][]Held{
		{{Grant{KindGroup, "g1"}, 0}},
		{{Grant{KindGroup, "g1"}, OriginIdP}, {Grant{KindGroup, "g1"}, 0}},
		{{Grant{KindGroup, "g1"}, OriginManual}, {Grant{KindGroup, "g1"}, OriginIdP}},
	} {
		d, _ := Plan(ModeStrict, Snapshot{Held: held, ManagedGroups: []string{"g1"}}, Desired{})
		if !d.Empty() {
			t.Errorf("held %v: strict plan removes a grant not known to come from the IdP: %+v", held, d)
		}
	}
}

func TestSyncPermissionsAndExactDiff(t *testing.T) {
	store := NewMemoryMemberships("g1", "g2", "g3")
	store.Grant("u1", Grant{KindGroup, "g1"}, OriginIdP)
	store.Grant("u1", Grant{KindGroup, "g2"}, OriginManual)
	store.Grant("u1", Grant{KindPermission, "admin"}, OriginIdP)
	store.Grant("u1", Grant{KindPermission, "export"}, OriginManual)
	s, _ := NewSyncer(store)
	res, err := s.Sync(context.Background(), Request{
		UserID: "u1", FromIdP: true, Mode: ModeStrict,
		Desired: Desired{Groups: []string{"g3", "g3", "nope"}, Permissions: []string{"read"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Diff{
		Add:    []Grant{{KindGroup, "g3"}, {KindPermission, "read"}},
		Remove: []Grant{{KindGroup, "g1"}, {KindPermission, "admin"}},
	}
	if fmt.Sprint(res.Applied) != fmt.Sprint(want) {
		t.Fatalf("diff = %+v, want %+v", res.Applied, want)
	}
	if !slices.Equal(res.Ignored, []string{"nope"}) {
		t.Fatalf("ignored = %v", res.Ignored)
	}
}

// flakyStore applies a diff one change at a time, like a host without
// transactions, and fails after `budget` changes.
type flakyStore struct {
	*MemoryMemberships
	budget        int
	transactional bool
}

var errDisk = errors.New("disk full")

func (f *flakyStore) Apply(ctx context.Context, user string, d Diff) (Diff, error) {
	if f.transactional && d.Len() > f.budget {
		f.budget = 0
		return Diff{}, errDisk
	}
	var done Diff
	for _, g := range d.Add {
		if f.budget == 0 {
			return done, errDisk
		}
		f.budget--
		f.MemoryMemberships.Apply(ctx, user, Diff{Add: []Grant{g}})
		done.Add = append(done.Add, g)
	}
	for _, g := range d.Remove {
		if f.budget == 0 {
			return done, errDisk
		}
		f.budget--
		f.MemoryMemberships.Apply(ctx, user, Diff{Remove: []Grant{g}})
		done.Remove = append(done.Remove, g)
	}
	return done, nil
}

func TestSyncStoreFailsMidway(t *testing.T) {
	for _, transactional := range []bool{false, true} {
		name := "non-transactional store reports exactly what was applied"
		if transactional {
			name = "transactional store reports nothing applied"
		}
		t.Run(name, func(t *testing.T) {
			mem := NewMemoryMemberships("g1", "g2", "g3")
			mem.Grant("u1", Grant{KindGroup, "g3"}, OriginIdP)
			store := &flakyStore{MemoryMemberships: mem, budget: 1, transactional: transactional}
			s, _ := NewSyncer(store)
			req := Request{UserID: "u1", FromIdP: true, Mode: ModeStrict, Desired: Desired{Groups: []string{"g1", "g2"}}}
			_, err := s.Sync(context.Background(), req)
			var ae *ApplyError
			if !errors.As(err, &ae) || !errors.Is(err, errDisk) {
				t.Fatalf("err = %v, want *ApplyError wrapping errDisk", err)
			}
			if ae.Planned.Len() != 3 {
				t.Fatalf("planned = %+v", ae.Planned)
			}
			wantApplied := 1
			if transactional {
				wantApplied = 0
			}
			if ae.Applied.Len() != wantApplied || len(mem.Held("u1"))-1 != wantApplied {
				t.Fatalf("applied = %+v, held = %+v", ae.Applied, mem.Held("u1"))
			}
			store.budget = 10
			res, err := s.Sync(context.Background(), req)
			if err != nil || res.Applied.Len() != 3-wantApplied {
				t.Fatalf("retry applied %+v, %v", res.Applied, err)
			}
			got := mem.Held("u1")
			if len(got) != 2 || got[0].ID != "g1" || got[1].ID != "g2" {
				t.Fatalf("final = %+v", got)
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeNone, "None": ModeNone, "ADDITIVE": ModeAdditive, " strict ": ModeStrict} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	var ce *ConfigError
	if _, err := ParseMode("exact"); !errors.As(err, &ce) {
		t.Errorf("unknown mode error = %v", err)
	}
}
