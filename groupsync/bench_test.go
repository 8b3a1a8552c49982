package groupsync

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"testing"
)

// BenchmarkSeal and BenchmarkOpen sit beside the raw AES-256-GCM floor.
func BenchmarkSeal(b *testing.B) {
	s := testSealer(b, "k1", "k1")
	tok := string(bytes.Repeat([]byte("r"), 900)) // Entra refresh tokens are ~0.9-1.5 KB
	b.Run("sealer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Seal("user-123", tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor/aes-gcm", func(b *testing.B) {
		aead := rawGCM(b)
		nonce := make([]byte, 12)
		b.ReportAllocs()
		for b.Loop() {
			rand.Read(nonce)
			aead.Seal(nil, nonce, []byte(tok), []byte("user-123"))
		}
	})
}

func BenchmarkOpen(b *testing.B) {
	s := testSealer(b, "k1", "k1")
	tok := string(bytes.Repeat([]byte("r"), 900))
	sealed, _ := s.Seal("user-123", tok)
	b.Run("sealer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Open("user-123", sealed); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor/aes-gcm", func(b *testing.B) {
		aead := rawGCM(b)
		nonce := make([]byte, 12)
		ct := aead.Seal(nil, nonce, []byte(tok), []byte("user-123"))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := aead.Open(nil, nonce, ct, []byte("user-123")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func rawGCM(b *testing.B) cipher.AEAD {
	block, _ := aes.NewCipher(bytes.Repeat([]byte{1}, 32))
	aead, _ := cipher.NewGCM(block)
	return aead
}

// BenchmarkPlan measures the on-login decision for a user in 50 of 200
// managed groups, beside the floor of building the two sets it compares.
func BenchmarkPlan(b *testing.B) {
	var snap Snapshot
	var want Desired
	for i := range 200 {
		snap.ManagedGroups = append(snap.ManagedGroups, fmt.Sprint("g", i))
	}
	for i := range 50 {
		snap.Held = append(snap.Held, Held{Grant{KindGroup, fmt.Sprint("g", i*2)}, OriginIdP})
		want.Groups = append(want.Groups, fmt.Sprint("g", i*3))
	}
	b.Run("plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Plan(ModeStrict, snap, want)
		}
	})
	b.Run("floor/sets", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := make(map[string]bool, len(snap.ManagedGroups))
			for _, g := range snap.ManagedGroups {
				m[g] = true
			}
			h := make(map[Grant]bool, len(snap.Held))
			for _, g := range snap.Held {
				h[g.Grant] = true
			}
			n := 0
			for _, g := range want.Groups {
				if m[g] && !h[Grant{KindGroup, g}] {
					n++
				}
			}
			_ = n
		}
	})
}
