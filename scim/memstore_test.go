package scim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// ids lists the ids of a page.
func ids(p *Page) []string {
	var out []string
	for _, r := range p.Resources {
		out = append(out, r.ID)
	}
	return out
}

// TestIndexesAnswerLikeAScan checks every indexed lookup against a full
// scan of the same filter (an "or" of the filter with itself is never
// indexed), after creates, updates and deletes.
func TestIndexesAnswerLikeAScan(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	mk := func(id, typ string, attrs map[string]any) {
		if err := s.Create(ctx, "t", &Resource{Type: typ, ID: id, Attrs: attrs}); err != nil {
			t.Fatal(err)
		}
	}
	email := func(v, typ string) []any { return []any{map[string]any{"value": v, "type": typ}} }
	mk("u1", UserType, map[string]any{"userName": "Alice", "externalId": "X1", "emails": email("Alice@Example.com", "work")})
	mk("u2", UserType, map[string]any{"userName": "bob", "externalId": "x1", "emails": email("alice@example.COM", "home")})
	mk("u3", UserType, map[string]any{"userName": "Kelvin", "emails": email("KELVIN@example.com", "work")})
	mk("u4", UserType, map[string]any{"userName": "gone", "externalId": "X1"})
	mk("g1", GroupType, map[string]any{"displayName": "Admins", "externalId": "G"})
	mk("g2", GroupType, map[string]any{"displayName": "admins"})
	if err := s.Delete(ctx, "t", UserType, "u4"); err != nil {
		t.Fatal(err)
	}
	u3, _ := s.Get(ctx, "t", UserType, "u3")
	u3.Attrs["emails"] = email("new@example.com", "work")
	u3.Attrs["userName"] = "kelvin2"
	if err := s.Replace(ctx, "t", u3, u3.Version); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ typ, filter string }{
		{UserType, `id eq "u2"`},
		{UserType, `userName eq "ALICE"`},
		{UserType, `userName eq "Kelvin"`},
		{UserType, `userName eq "kelvin2"`},
		{UserType, `externalId eq "X1"`},
		{UserType, `externalId eq "x1"`},
		{UserType, `emails.value eq "alice@example.com"`},
		{UserType, `emails[type eq "work"].value eq "ALICE@example.com"`},
		{UserType, `emails[type eq "work" and value eq "kelvin@example.com"]`},
		{UserType, `emails[value eq "new@example.com"] and userName eq "kelvin2"`},
		{UserType, `externalId eq "X1" and userName eq "bob"`},
		{GroupType, `displayName eq "ADMINS"`},
		{GroupType, `displayName eq "Admins" and externalId eq "G"`},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			f, err := ParseFilter(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if f, err = Canonicalize(f, c.typ); err != nil {
				t.Fatal(err)
			}
			s.mu.RLock()
			_, indexed := s.tenants["t"][c.typ].lookupIndexed(f)
			s.mu.RUnlock()
			if !indexed {
				t.Errorf("filter not answered by an index")
			}
			q := Query{StartIndex: 1, Count: 100}
			q.Filter = f
			got, err := s.List(ctx, "t", c.typ, q)
			if err != nil {
				t.Fatal(err)
			}
			q.Filter = &LogicalExpr{Op: Or, Left: f, Right: f}
			want, err := s.List(ctx, "t", c.typ, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), ids(want)) || got.TotalResults != want.TotalResults {
				t.Errorf("index gave %v, scan gave %v", ids(got), ids(want))
			}
		})
	}
}

func TestUserNameUniquenessFoldsCase(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	if err := s.Create(ctx, "t", &Resource{Type: UserType, ID: "1", Attrs: map[string]any{"userName": "sam"}}); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"SAM", "Sam", "ſam"} { // U+017F folds to s
		r := &Resource{Type: UserType, ID: fmt.Sprint("dup", i), Attrs: map[string]any{"userName": name}}
		if err := s.Create(ctx, "t", r); !errors.Is(err, ErrUniqueness) {
			t.Errorf("userName %q beside \"sam\": %v, want ErrUniqueness", name, err)
		}
	}
	other := &Resource{Type: UserType, ID: "2", Attrs: map[string]any{"userName": "other"}}
	if err := s.Create(ctx, "t", other); err != nil {
		t.Fatal(err)
	}
	other.Attrs["userName"] = "SAM"
	if err := s.Replace(ctx, "t", other, 1); !errors.Is(err, ErrUniqueness) {
		t.Errorf("rename onto a taken userName: %v", err)
	}
	other.Attrs["userName"] = "OTHER"
	if err := s.Replace(ctx, "t", other, 1); err != nil {
		t.Errorf("case-only rename of oneself refused: %v", err)
	}
	if err := s.Replace(ctx, "t", other, 1); !errors.Is(err, ErrVersionMismatch) {
		t.Errorf("stale version accepted: %v", err)
	}
}

func TestMemoryStoreCopiesResources(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	r := &Resource{Type: UserType, ID: "1", Attrs: map[string]any{"userName": "a", "name": map[string]any{"givenName": "A"}}}
	if err := s.Create(ctx, "t", r); err != nil {
		t.Fatal(err)
	}
	r.Attrs["name"].(map[string]any)["givenName"] = "changed by caller"
	got, _ := s.Get(ctx, "t", UserType, "1")
	got.Attrs["userName"] = "changed too"
	again, _ := s.Get(ctx, "t", UserType, "1")
	if again.UserName() != "a" || again.Attrs["name"].(map[string]any)["givenName"] != "A" {
		t.Errorf("store shares memory with callers: %v", again.Attrs)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Get(cctx, "t", UserType, "1"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
}

func TestFoldKeyAgreesWithEqualFold(t *testing.T) {
	words := []string{"sam", "SAM", "ſam", "kelvin", "Kelvin", "KELVIN", "straße", "STRASSE", "Σίσυφος", "σίσυφος", "ΣΊΣΥΦΟΣ", "İstanbul", "istanbul", "", "a", "A", "ß", "ẞ"}
	for _, a := range words {
		for _, b := range words {
			if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
				t.Errorf("foldKey(%q)==foldKey(%q) is %v, EqualFold says %v", a, b, got, want)
			}
		}
	}
}

func TestParallelScanKeepsCreationOrder(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	n := parallelScanMin*2 + 7
	for i := range n {
		r := &Resource{Type: UserType, ID: fmt.Sprintf("%06d", i), Attrs: map[string]any{
			"userName": fmt.Sprintf("u%d", i), "active": i%3 == 0}}
		if err := s.Create(ctx, "t", r); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := ParseFilter(`active eq true`)
	p, err := s.List(ctx, "t", UserType, Query{Filter: f, StartIndex: 1, Count: n})
	if err != nil {
		t.Fatal(err)
	}
	if want := (n + 2) / 3; p.TotalResults != want || len(p.Resources) != want {
		t.Fatalf("got %d/%d results, want %d", p.TotalResults, len(p.Resources), want)
	}
	for i, r := range p.Resources {
		if r.ID != fmt.Sprintf("%06d", i*3) {
			t.Fatalf("result %d is %s: order lost", i, r.ID)
		}
	}
}
