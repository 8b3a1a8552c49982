package sqlstore

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzOpenSealed feeds arbitrary column values to the sealed-value
// parser and decryption: a database row is untrusted input.
func FuzzOpenSealed(f *testing.F) {
	r, err := NewKeyRing(Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, KeySize)})
	if err != nil {
		f.Fatal(err)
	}
	good, err := r.seal(bytes.NewReader(make([]byte, 64)), []byte(`{"clientSecret":"x"}`), []byte("aad"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("v1.k1.")
	f.Add("v1..AAAA")
	f.Add("v2.k1.AAAA")
	f.Add("v1.k9." + good[6:])
	f.Fuzz(func(t *testing.T, sealed string) {
		plain, _, err := r.open(sealed, []byte("aad"))
		if err == nil {
			if sealed != good || string(plain) != `{"clientSecret":"x"}` {
				t.Fatalf("forged value opened: %q", sealed)
			}
			return
		}
		if !errors.Is(err, ErrDecrypt) && !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

// FuzzParseKeyRing: a key ring specification from the environment never
// panics and never echoes key material in its error.
func FuzzParseKeyRing(f *testing.F) {
	f.Add("k1:" + strings.Repeat("A", 43))
	f.Add("k2:" + strings.Repeat("_", 43) + ",k1:" + strings.Repeat("A", 43) + "=")
	f.Add("k:AAAA")
	f.Add(":,:")
	f.Fuzz(func(t *testing.T, spec string) {
		r, err := ParseKeyRing(spec)
		if err == nil {
			if r.CurrentID() == "" {
				t.Fatal("ring without a current key")
			}
			return
		}
		var ke *KeyError
		if !errors.As(err, &ke) {
			t.Fatalf("unclassified error %v", err)
		}
		// The key of the first entry must not show (unless the id, which
		// errors do name, happens to contain it).
		id, enc, ok := strings.Cut(spec, ":")
		enc, _, _ = strings.Cut(enc, ",")
		if ok && len(enc) >= 8 && !strings.Contains(id, enc) && strings.Contains(err.Error(), enc) {
			t.Fatalf("error echoes key material: %v", err)
		}
	})
}
