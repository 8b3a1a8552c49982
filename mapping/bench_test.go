package mapping_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

// benchSetup is one login: an ID token with 5 spaces and roles, a
// timezone and 20 groups, against a host with 10 spaces, 20 mapped groups
// and 20 permission rules (10 of the user's groups hit a host group, 10 a
// permission rule).
type benchSetup struct {
	m      *mapping.Mapper
	cat    *mapping.Catalog
	raw    []byte
	claims mapping.Claims
	// naive lookup tables for the floor
	spaces, roles map[string]string
	hostGroups    map[string]string
	perms         map[string][]string
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	s := &benchSetup{spaces: map[string]string{}, roles: map[string]string{}, hostGroups: map[string]string{}, perms: map[string][]string{}}
	cfg := mapping.CatalogConfig{Roles: []string{"Space Member", "Space Developer", "Space Admin"}, DefaultRole: "Space Member"}
	var rules []mapping.PermissionRule
	var groups []string
	for i := range 10 {
		cfg.Spaces = append(cfg.Spaces, fmt.Sprintf("Space%02d", i))
	}
	for i := range 20 {
		guid := fmt.Sprintf("6f1c7e2a-5b0d-4b8e-9c3a-%012x", i)
		cfg.Groups = append(cfg.Groups, mapping.Group{ID: fmt.Sprintf("host-%d", i), IdPID: guid})
		name := fmt.Sprintf("team-%d", i)
		rules = append(rules, mapping.PermissionRule{Group: name, Permissions: []string{"read", fmt.Sprintf("perm-%d", i)}})
		if i%2 == 0 {
			groups = append(groups, strings.ToUpper(guid), name)
		}
	}
	for _, sp := range cfg.Spaces {
		s.spaces[strings.ToLower(sp)] = sp
	}
	for _, r := range cfg.Roles {
		s.roles[strings.ToLower(r)] = r
	}
	for _, g := range cfg.Groups {
		s.hostGroups[g.IdPID] = g.ID
	}
	for _, r := range rules {
		s.perms[r.Group] = r.Permissions
	}
	var err error
	if s.cat, err = mapping.NewCatalog(cfg); err != nil {
		b.Fatal(err)
	}
	if s.m, err = mapping.Compile(mapping.Rules{Permissions: rules}); err != nil {
		b.Fatal(err)
	}
	s.raw, _ = json.Marshal(map[string]any{
		"iss": "https://login.example.com", "sub": "248289761001", "aud": "client", "exp": 1700000000, "iat": 1699990000,
		"email": "Ann.Lee@Example.com", "name": "Ann Lee", "timezone": "Europe/Berlin",
		"space_name": "Space01, Space03,space05,Space07,Space09",
		"space_role": "Space Admin,Space Developer,Bogus,Space Member,Space Developer",
		"groups":     groups,
	})
	if err := json.Unmarshal(s.raw, &s.claims.IDToken); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkMap maps one identity: 5 spaces, 20 groups, 20 rules, with
// every explanation step recorded.
func BenchmarkMap(b *testing.B) {
	s := newBenchSetup(b)
	d, err := s.m.Map(s.claims, s.cat)
	if err != nil || len(d.Spaces) != 5 || len(d.Groups) != 10 || len(d.Permissions) != 11 || d.Timezone == "" || len(d.Steps) != 28 {
		b.Fatalf("unexpected decision %+v, %v", d, err)
	}
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		s.m.Map(s.claims, s.cat)
	}
}

// BenchmarkMapParallel is BenchmarkMap from all cores at once on one
// shared Mapper and Catalog.
func BenchmarkMapParallel(b *testing.B) {
	s := newBenchSetup(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.m.Map(s.claims, s.cat)
		}
	})
}

// BenchmarkFloorNaive is the least work that gives the same result with
// none of the checks or explanations: split, lower-case, look up.
func BenchmarkFloorNaive(b *testing.B) {
	s := newBenchSetup(b)
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		c := s.claims.IDToken
		_ = strings.ToLower(strings.TrimSpace(c["email"].(string)))
		_ = c["name"].(string)
		names := strings.Split(c["space_name"].(string), ",")
		roles := strings.Split(c["space_role"].(string), ",")
		assigned := make(map[string]string, len(names))
		for i, n := range names {
			sp, ok := s.spaces[strings.ToLower(strings.TrimSpace(n))]
			if !ok {
				continue
			}
			role := s.roles[strings.ToLower(strings.TrimSpace(roles[i]))]
			if role == "" {
				role = "Space Member"
			}
			assigned[sp] = role
		}
		var hosts, perms []string
		for _, g := range c["groups"].([]any) {
			k := strings.ToLower(g.(string))
			if h, ok := s.hostGroups[k]; ok {
				hosts = append(hosts, h)
			}
			perms = append(perms, s.perms[k]...)
		}
	}
}

// BenchmarkFloorDecodeClaims decodes the same ID token payload with
// encoding/json: work every login does before mapping.
func BenchmarkFloorDecodeClaims(b *testing.B) {
	s := newBenchSetup(b)
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(s.raw, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExplain renders the decision's steps as text, which happens
// only when an administrator looks.
func BenchmarkExplain(b *testing.B) {
	s := newBenchSetup(b)
	d, _ := s.m.Map(s.claims, s.cat)
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		_ = d.Explain()
	}
}
