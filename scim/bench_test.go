package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

const benchUsers = 100_000

// benchStore fills a memory store with 100k users of one tenant and a few
// of another.
func benchStore(b *testing.B) (*MemoryStore, []string) {
	b.Helper()
	s := NewMemoryStore()
	ctx := context.Background()
	names := make([]string, benchUsers)
	families := []string{"Smith", "Jensen", "Nguyen", "Garcia", "Okafor"}
	for i := range benchUsers {
		names[i] = fmt.Sprintf("user-%06d@example.com", i)
		r := &Resource{Type: UserType, ID: fmt.Sprintf("id-%06d", i), Created: t0, LastModified: t0, Attrs: map[string]any{
			"userName": names[i], "active": i%10 != 0, "externalId": fmt.Sprintf("ext-%d", i),
			"name":   map[string]any{"givenName": "User", "familyName": families[i%len(families)]},
			"emails": []any{map[string]any{"value": names[i], "type": "work", "primary": true}},
		}}
		if err := s.Create(ctx, "acme", r); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC() // settle the set-up garbage before timing
	return s, names
}

// benchList runs one filtered list per iteration.
func benchList(b *testing.B, filter string, q Query, wantTotal int) {
	s, _ := benchStore(b)
	f, err := ParseFilter(filter)
	if err != nil {
		b.Fatal(err)
	}
	if q.Filter, err = Canonicalize(f, UserType); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, n := processCPU(), 0
	for b.Loop() {
		p, err := s.List(ctx, "acme", UserType, q)
		if err != nil || p.TotalResults != wantTotal {
			b.Fatalf("total %d, want %d (%v)", p.TotalResults, wantTotal, err)
		}
		n++
	}
	reportCPU(b, cpu0, n)
}

// reportCPU adds the process CPU time per operation (all goroutines, so a
// scan split across processors counts every core it used): on a shared
// machine it is steadier than wall time.
func reportCPU(b *testing.B, cpu0 time.Duration, n int) {
	if cpu := processCPU() - cpu0; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// BenchmarkList100kUserNameEq is the provisioning clients' lookup
// (userName eq, answered from the index).
func BenchmarkList100kUserNameEq(b *testing.B) {
	benchList(b, `userName eq "USER-054321@example.com"`, Query{StartIndex: 1, Count: 1}, 1)
}

// BenchmarkList100kScanWorkEmail scans every user with a value-path
// filter and a case-insensitive "co".
func BenchmarkList100kScanWorkEmail(b *testing.B) {
	benchList(b, `emails[type eq "work"].value co "54321@EXAMPLE"`, Query{StartIndex: 1, Count: 100}, 1)
}

// BenchmarkList100kScanAndSort filters 20% of the users and sorts them by
// userName descending before paging.
func BenchmarkList100kScanAndSort(b *testing.B) {
	sortBy := AttrPath{Name: "userName"}
	benchList(b, `name.familyName eq "smith" and active eq true`,
		Query{StartIndex: 1, Count: 100, SortBy: &sortBy, SortOrder: Descending}, 10000)
}

// BenchmarkFloorScan100k is the floor for a scan: a plain loop over 100k
// strings with strings.Contains, no filter engine, no maps.
func BenchmarkFloorScan100k(b *testing.B) {
	_, names := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ops := processCPU(), 0
	for b.Loop() {
		ops++
		n := 0
		for _, s := range names {
			if strings.Contains(s, "54321@example") {
				n++
			}
		}
		if n != 1 {
			b.Fatal(n)
		}
	}
	reportCPU(b, cpu0, ops)
}

// BenchmarkFloorMapScan100k is the floor for a scan of the same stored
// maps: a hand-written loop reading userName from each resource, with no
// filter engine. The gap to FloorScan100k is the cost of the data layout;
// the gap to ScanWorkEmail is the engine's.
func BenchmarkFloorMapScan100k(b *testing.B) {
	s, _ := benchStore(b)
	entries := s.tenants["acme"][UserType].order
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ops := processCPU(), 0
	for b.Loop() {
		ops++
		n := 0
		for _, e := range entries {
			if u, _ := e.res.Attrs["userName"].(string); strings.Contains(u, "54321@example") {
				n++
			}
		}
		if n != 1 {
			b.Fatal(n)
		}
	}
	reportCPU(b, cpu0, ops)
}

const benchPatch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
	{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updated@example.com"},
	{"op":"Replace","path":"active","value":"False"}]}`

// BenchmarkPatchRoundTrip sends an Entra-style PATCH through the whole
// handler (auth, parse, apply, store, render) against a store of 100k
// users.
func BenchmarkPatchRoundTrip(b *testing.B) {
	s, _ := benchStore(b)
	tokens := NewTokenSet()
	tokens.Add("acme", HashToken(acmeToken))
	h, err := New(Config{Authenticator: tokens, Store: s, BaseURL: "http://sp.example/scim/v2",
		Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := call(h, http.MethodPatch, "/Users/id-054321", "Bearer "+acmeToken, benchPatch)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// BenchmarkFloorPatchJSON is the floor for the PATCH round trip: decoding
// the same body and encoding the same user with encoding/json only.
func BenchmarkFloorPatchJSON(b *testing.B) {
	user := sampleUser().Attrs
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal([]byte(benchPatch), &v); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(user); err != nil {
			b.Fatal(err)
		}
	}
}
