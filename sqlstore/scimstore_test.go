package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sqlstore"
)

// TestSCIMStoreConformance runs one suite against scim.MemoryStore and
// the SQL store on SQLite and PostgreSQL.
func TestSCIMStoreConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) { scimSuite(t, scim.NewMemoryStore()) })
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) { scimSuite(t, s.SCIM()) })
}

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC)

func scimUser(id, userName string, extra ...any) *scim.Resource {
	attrs := map[string]any{"userName": userName, "active": true,
		"emails": []any{map[string]any{"value": userName + "@example.com", "primary": true}}}
	for i := 0; i+1 < len(extra); i += 2 {
		attrs[extra[i].(string)] = extra[i+1]
	}
	return &scim.Resource{Type: scim.UserType, ID: id, Created: t0, LastModified: t0, Attrs: attrs}
}

func group(id, name string, members ...string) *scim.Resource {
	var m []any
	for _, id := range members {
		m = append(m, map[string]any{"value": id})
	}
	attrs := map[string]any{"displayName": name}
	if len(m) > 0 {
		attrs["members"] = m
	}
	return &scim.Resource{Type: scim.GroupType, ID: id, Created: t0, LastModified: t0, Attrs: attrs}
}

func query(t testing.TB, typ, filter string) scim.Query {
	t.Helper()
	q := scim.Query{StartIndex: 1, Count: 100}
	if filter != "" {
		f, err := scim.ParseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		if q.Filter, err = scim.Canonicalize(f, typ); err != nil {
			t.Fatal(err)
		}
	}
	return q
}

func pageIDs(p *scim.Page) []string {
	var out []string
	for _, r := range p.Resources {
		out = append(out, r.ID)
	}
	return out
}

func scimSuite(t *testing.T, s scim.Store) {
	ctx := context.Background()
	for _, r := range []*scim.Resource{scimUser("u1", "Alice"), scimUser("u2", "bob", "externalId", "X2"), scimUser("u3", "carol")} {
		if err := s.Create(ctx, "acme", r); err != nil || r.Version != 1 {
			t.Fatalf("Create %s: %v, version %d", r.ID, err, r.Version)
		}
	}
	if err := s.Create(ctx, "acme", group("g1", "Admins", "u1", "u2")); err != nil {
		t.Fatal(err)
	}
	t.Run("get returns what was stored", func(t *testing.T) {
		got, err := s.Get(ctx, "acme", scim.UserType, "u1")
		want := scimUser("u1", "Alice")
		if err != nil || got.Version != 1 || !got.Created.Equal(t0) || !got.LastModified.Equal(t0) || !reflect.DeepEqual(got.Attrs, want.Attrs) {
			t.Fatalf("Get = %+v, %v", got, err)
		}
	})
	t.Run("userName is unique ignoring case within a tenant", func(t *testing.T) {
		if err := s.Create(ctx, "acme", scimUser("u9", "ALICE")); !errors.Is(err, scim.ErrUniqueness) {
			t.Fatalf("Create ALICE = %v, want ErrUniqueness", err)
		}
		if err := s.Create(ctx, "globex", scimUser("u9", "alice")); err != nil {
			t.Fatalf("same userName in another tenant: %v", err)
		}
		if err := s.Create(ctx, "acme", scimUser("u1", "other")); !errors.Is(err, scim.ErrUniqueness) {
			t.Fatalf("duplicate id = %v, want ErrUniqueness", err)
		}
	})
	t.Run("tenants are isolated", func(t *testing.T) {
		if _, err := s.Get(ctx, "globex", scim.UserType, "u1"); !errors.Is(err, scim.ErrNotFound) {
			t.Fatalf("Get from another tenant = %v", err)
		}
		if err := s.Delete(ctx, "globex", scim.UserType, "u2"); !errors.Is(err, scim.ErrNotFound) {
			t.Fatalf("Delete from another tenant = %v", err)
		}
		p, err := s.List(ctx, "globex", scim.UserType, query(t, scim.UserType, ""))
		if err != nil || p.TotalResults != 1 || pageIDs(p)[0] != "u9" {
			t.Fatalf("globex list = %v, %v", pageIDs(p), err)
		}
	})
	t.Run("replace is compare-and-swap on the version", func(t *testing.T) {
		r, _ := s.Get(ctx, "acme", scim.UserType, "u3")
		r.Attrs["displayName"] = "Carol C"
		if err := s.Replace(ctx, "acme", r, 1); err != nil || r.Version != 2 {
			t.Fatalf("Replace = %v, version %d", err, r.Version)
		}
		stale := scimUser("u3", "carol-stale")
		if err := s.Replace(ctx, "acme", stale, 1); !errors.Is(err, scim.ErrVersionMismatch) {
			t.Fatalf("stale Replace = %v", err)
		}
		taken := scimUser("u3", "BOB")
		if err := s.Replace(ctx, "acme", taken, 2); !errors.Is(err, scim.ErrUniqueness) {
			t.Fatalf("Replace to a taken userName = %v", err)
		}
		renamed := scimUser("u3", "Carla")
		if err := s.Replace(ctx, "acme", renamed, 2); err != nil {
			t.Fatalf("rename: %v", err)
		}
		if err := s.Create(ctx, "acme", scimUser("u4", "CAROL")); err != nil {
			t.Fatalf("old userName not freed: %v", err)
		}
		if err := s.Replace(ctx, "acme", scimUser("nope", "x"), 1); !errors.Is(err, scim.ErrNotFound) {
			t.Fatalf("Replace missing = %v", err)
		}
	})
	t.Run("filter, sort and paging", func(t *testing.T) {
		p, err := s.List(ctx, "acme", scim.UserType, query(t, scim.UserType, `userName eq "ALICE" or externalId eq "X2"`))
		if err != nil || !slices.Equal(pageIDs(p), []string{"u1", "u2"}) {
			t.Fatalf("filter = %v, %v", pageIDs(p), err)
		}
		for filter, want := range map[string][]string{
			`userName eq "ALICE"`:                         {"u1"},
			`userName eq "alice" and active eq true`:      {"u1"},
			`active eq true and userName eq "\u212Aarla"`: nil, // Kelvin sign K folds to k: "Karla" is not "Carla"
			`userName eq "CARLA"`:                         {"u3"},
			`id eq "u2"`:                                  {"u2"},
			`id eq "U2"`:                                  nil, // id is case-exact
			`id eq "u2" or userName eq "carol"`:           {"u2", "u4"},
			`userName eq "nobody"`:                        nil,
		} {
			p, err := s.List(ctx, "acme", scim.UserType, query(t, scim.UserType, filter))
			if err != nil || !slices.Equal(pageIDs(p), want) || p.TotalResults != len(want) {
				t.Errorf("%s = %v, %v; want %v", filter, pageIDs(p), err, want)
			}
		}
		q := query(t, scim.UserType, "")
		by := scim.AttrPath{Name: "userName"}
		q.SortBy, q.SortOrder = &by, scim.Descending
		q.StartIndex, q.Count = 2, 2
		p, err = s.List(ctx, "acme", scim.UserType, q)
		if err != nil || p.TotalResults != 4 || !slices.Equal(pageIDs(p), []string{"u3", "u2"}) {
			t.Fatalf("sorted page = %v (total %d), %v", pageIDs(p), p.TotalResults, err)
		}
		q = query(t, scim.UserType, "")
		q.StartIndex, q.Count = 2, 2
		if p, _ := s.List(ctx, "acme", scim.UserType, q); p.TotalResults != 4 || !slices.Equal(pageIDs(p), []string{"u2", "u3"}) {
			t.Fatalf("unsorted page = %v (total %d)", pageIDs(p), p.TotalResults)
		}
		q.StartIndex = 9
		if p, _ := s.List(ctx, "acme", scim.UserType, q); p.TotalResults != 4 || len(p.Resources) != 0 {
			t.Fatalf("page past the end = %v (total %d)", pageIDs(p), p.TotalResults)
		}
		q = query(t, scim.UserType, "")
		q.Count = 0
		if p, _ := s.List(ctx, "acme", scim.UserType, q); p.TotalResults != 4 || len(p.Resources) != 0 {
			t.Fatalf("count 0 = %d resources, total %d", len(p.Resources), p.TotalResults)
		}
	})
	t.Run("deleting a user removes it from groups", func(t *testing.T) {
		if err := s.Delete(ctx, "acme", scim.UserType, "u1"); err != nil {
			t.Fatal(err)
		}
		g, err := s.Get(ctx, "acme", scim.GroupType, "g1")
		if err != nil || !slices.Equal(g.MemberIDs(), []string{"u2"}) || g.Version != 2 {
			t.Fatalf("group after delete = %v (version %d), %v", g.MemberIDs(), g.Version, err)
		}
		if _, err := s.Get(ctx, "acme", scim.UserType, "u1"); !errors.Is(err, scim.ErrNotFound) {
			t.Fatalf("deleted user: %v", err)
		}
		if err := s.Delete(ctx, "acme", scim.UserType, "u1"); !errors.Is(err, scim.ErrNotFound) {
			t.Fatalf("second delete = %v", err)
		}
		odd := `odd_%\"<id>`
		s.Create(ctx, "acme", scimUser(odd, "odd"))
		s.Create(ctx, "acme", group("g2", "Odd", "oddX%", odd))
		if err := s.Delete(ctx, "acme", scim.UserType, odd); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.Get(ctx, "acme", scim.GroupType, "g2"); !slices.Equal(g.MemberIDs(), []string{"oddX%"}) {
			t.Fatalf("odd id not removed from its group: %v", g.MemberIDs())
		}
	})
	t.Run("concurrent replaces: exactly one wins", func(t *testing.T) {
		r, _ := s.Get(ctx, "acme", scim.UserType, "u2")
		errs := make([]error, 6)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				c := r.Clone()
				errs[i] = s.Replace(ctx, "acme", c, r.Version)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if !errors.Is(err, scim.ErrVersionMismatch) {
				t.Errorf("unexpected %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d replaces won", wins)
		}
	})
}

// TestSCIMHandlerOverSQL provisions a user through scim.Handler with the
// SQL store as both Store and Authenticator.
func TestSCIMHandlerOverSQL(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		h, err := scim.New(scim.Config{Authenticator: s, Store: s.SCIM(), BaseURL: "https://app.example.com/scim/v2"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.SCIMRequestLogger(h))
		defer srv.Close()
		token, _, err := s.CreateSCIMToken(context.Background(), "acme", "okta")
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, tok, body string) (int, string) {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", scim.ContentType)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dana@example.com","active":true}`
		if code, out := do("POST", "/Users", token, body); code != http.StatusCreated {
			t.Fatalf("POST /Users = %d %s", code, out)
		}
		if code, _ := do("POST", "/Users", token, body); code != http.StatusConflict {
			t.Fatalf("duplicate userName = %d, want 409", code)
		}
		if code, out := do("GET", `/Users?filter=userName%20eq%20%22DANA@example.com%22`, token, ""); code != 200 || !strings.Contains(out, `"totalResults":1`) {
			t.Fatalf("filter = %d %s", code, out)
		}
		if code, _ := do("GET", "/Users", "wrong-token", ""); code != http.StatusUnauthorized {
			t.Fatalf("bad token = %d, want 401", code)
		}
		log, err := s.SCIMRequests(context.Background(), "acme", 0)
		var got []string
		for _, e := range log {
			got = append(got, fmt.Sprintf("%s %s %d", e.Method, e.Path, e.Status))
		}
		want := []string{"GET /Users 200", "POST /Users 409", "POST /Users 201"}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("SCIM request log = %q, %v; want %q", got, err, want)
		}
	})
}
