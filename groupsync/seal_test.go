package groupsync

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testSealer(t testing.TB, current string, ids ...string) *Sealer {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range ids {
		keys[id] = bytes.Repeat([]byte{byte(i + 1)}, 32)
	}
	s, err := NewSealer(SealerConfig{Keys: keys, Current: current})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealer(t *testing.T) {
	s := testSealer(t, "k1", "k1")
	sealed, err := s.Seal("u1", "refresh-abc")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("refresh-abc")) || !bytes.HasPrefix(sealed, []byte("gs1.k1.")) {
		t.Fatalf("sealed = %q", sealed)
	}
	if got, err := s.Open("u1", sealed); err != nil || got != "refresh-abc" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := s.Seal("u1", "refresh-abc")
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of one token are equal: nonce reused")
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-3] ^= 'A' ^ 'B'
	if tampered[len(tampered)-3] == sealed[len(sealed)-3] {
		tampered[len(tampered)-3] = 'Z'
	}
	other := testSealer(t, "k1", "k1", "k2")
	otherKey, _ := NewSealer(SealerConfig{Keys: map[string][]byte{"k1": bytes.Repeat([]byte{9}, 32)}, Current: "k1"})
	tests := []struct {
		name   string
		s      *Sealer
		user   string
		sealed []byte
	}{
		{"a token sealed for another user does not open", s, "u2", sealed},
		{"a tampered token does not open", s, "u1", tampered},
		{"a token under a different key with the same id does not open", otherKey, "u1", sealed},
		{"an unknown key id does not open", testSealer(t, "k2", "k2"), "u1", sealed},
		{"a plaintext token does not open", other, "u1", []byte("refresh-abc")},
		{"an oversized value is refused before decoding", s, "u1", append([]byte("gs1.k1."), bytes.Repeat([]byte("A"), maxSealed)...)},
		{"a truncated value does not open", s, "u1", []byte("gs1.k1.AAAA")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.s.Open(tc.user, tc.sealed); !errors.Is(err, ErrUnsealable) {
				t.Fatalf("err = %v, want ErrUnsealable", err)
			}
		})
	}
	t.Run("the size bound applies before decoding", func(t *testing.T) {
		_, err := s.Open("u1", append([]byte("gs1.k1."), bytes.Repeat([]byte("A"), maxSealed)...))
		if err == nil || !strings.Contains(err.Error(), "limit") {
			t.Fatalf("err = %v, want the size limit", err)
		}
	})
}

func TestSealerRotation(t *testing.T) {
	old := testSealer(t, "k1", "k1")
	sealed, _ := old.Seal("u1", "tok")
	rotated := testSealer(t, "k2", "k1", "k2")
	if got, err := rotated.Open("u1", sealed); err != nil || got != "tok" {
		t.Fatalf("old value after rotation: %q, %v", got, err)
	}
	if !rotated.NeedsReseal(sealed) {
		t.Fatal("value under old key not flagged for reseal")
	}
	fresh, _ := rotated.Seal("u1", "tok")
	if rotated.NeedsReseal(fresh) || !bytes.HasPrefix(fresh, []byte("gs1.k2.")) {
		t.Fatalf("fresh value = %q", fresh)
	}
}

func TestNewSealerValidates(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name string
		cfg  SealerConfig
	}{
		{"no keys", SealerConfig{Current: "k"}},
		{"short key", SealerConfig{Keys: map[string][]byte{"k": key[:16]}, Current: "k"}},
		{"key id with a dot", SealerConfig{Keys: map[string][]byte{"k.1": key}, Current: "k.1"}},
		{"current key missing", SealerConfig{Keys: map[string][]byte{"k": key}, Current: "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ce *ConfigError
			if _, err := NewSealer(tc.cfg); !errors.As(err, &ce) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	s := testSealer(f, "k1", "k1")
	good, _ := s.Seal("u1", "tok")
	f.Add(good)
	f.Add([]byte("gs1.k1."))
	f.Add([]byte("gs1..AAAA"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := s.Open("u1", in)
		if err == nil && got != "tok" {
			t.Fatalf("forged value opened to %q", got)
		}
		if err != nil && !errors.Is(err, ErrUnsealable) {
			t.Fatalf("error not ErrUnsealable: %v", err)
		}
	})
}
