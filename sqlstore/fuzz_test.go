package sqlstore

import (
	"bytes"
	"errors"
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
