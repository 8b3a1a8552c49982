package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ssokit/ssokit/scim"
)

// The sso handler reads a connection on every login; these benchmarks
// put the store's read (query, AES-GCM open, two JSON decodes) beside
// the floor of the same query returning the raw columns.

func benchBackends(b *testing.B, f func(b *testing.B, bk backend)) {
	b.Run("sqlite", func(b *testing.B) { f(b, newSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { f(b, newPostgres(b)) })
}

func BenchmarkConnection(b *testing.B) {
	benchBackends(b, func(b *testing.B, bk backend) {
		s := bk.open(b, newRing(b, newKey(b, "k1")))
		ctx := context.Background()
		if _, err := s.Put(ctx, "acme", secretConn()); err != nil {
			b.Fatal(err)
		}
		b.Run("store", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Connection(ctx, "acme", "okta"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("raw-query-floor", func(b *testing.B) {
			q := "SELECT body, secrets, version FROM ssokit_connections WHERE tenant = ? AND id = ?"
			if bk.dialect == "postgres" {
				q = "SELECT body, secrets, version FROM ssokit_connections WHERE tenant = $1 AND id = $2"
			}
			b.ReportAllocs()
			for b.Loop() {
				var body, sealed string
				var v int64
				if err := s.DB().QueryRowContext(ctx, q, "acme", "okta").Scan(&body, &sealed, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func BenchmarkAuthenticate(b *testing.B) {
	benchBackends(b, func(b *testing.B, bk backend) {
		s := bk.open(b, newRing(b, newKey(b, "k1")))
		ctx := context.Background()
		token, _, err := s.CreateSCIMToken(ctx, "acme", "")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("store", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Authenticate(ctx, token); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("memory-tokenset", func(b *testing.B) {
			set := scim.NewTokenSet()
			set.Add("acme", scim.HashToken(token))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := set.Authenticate(ctx, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkSCIMFindUser is the lookup Okta and Entra send before every
// provisioning call (filter userName eq "..."), in a tenant of 2,000
// users: answered from the userName index, beside the same filter
// written so that it cannot use the index (a full scan through scim's
// matcher) and beside the in-memory store.
func BenchmarkSCIMFindUser(b *testing.B) {
	const users = 2000
	fill := func(b *testing.B, s scim.Store) {
		ctx := context.Background()
		for i := range users {
			if err := s.Create(ctx, "acme", scimUser(fmt.Sprintf("u%d", i), fmt.Sprintf("user%d@acme.example", i))); err != nil {
				b.Fatal(err)
			}
		}
	}
	run := func(b *testing.B, s scim.Store, filter string) {
		q := query(b, scim.UserType, filter)
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.List(context.Background(), "acme", scim.UserType, q)
			if err != nil || p.TotalResults != 1 {
				b.Fatalf("List = %v, %v", p, err)
			}
		}
	}
	indexed := `userName eq "USER1234@acme.example"`
	scan := `userName eq "USER1234@acme.example" or userName eq "nobody"`
	benchBackends(b, func(b *testing.B, bk backend) {
		s := bk.open(b, newRing(b, newKey(b, "k1"))).SCIM()
		fill(b, s)
		b.Run("indexed", func(b *testing.B) { run(b, s, indexed) })
		b.Run("full-scan", func(b *testing.B) { run(b, s, scan) })
	})
	b.Run("memory", func(b *testing.B) {
		m := scim.NewMemoryStore()
		fill(b, m)
		run(b, m, indexed)
	})
}
