package sqlstore

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// maxKeySpecLen bounds a key ring specification before it is parsed.
const maxKeySpecLen = 64 << 10

// ParseKeyRing builds a ring from a specification a host keeps in its
// secret manager or environment: comma-separated "id:key" entries, the
// key 32 bytes in standard or URL-safe base64 (padded or not), the
// current key first and older ones after it, e.g.
// "2026-11:3q2+7w...,2026-05:q83v...". Errors never show key material.
func ParseKeyRing(spec string) (*KeyRing, error) {
	if len(spec) > maxKeySpecLen {
		return nil, &KeyError{Reason: "key ring specification too long"}
	}
	var keys []Key
	for i, entry := range strings.Split(spec, ",") {
		id, enc, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok || !validKeyID(id) {
			// Name the entry by position: without a colon the whole
			// entry may be key material.
			return nil, &KeyError{ID: fmt.Sprintf("#%d", i+1), Reason: `entry must be "id:base64key"`}
		}
		secret, err := decodeKey(enc)
		if err != nil {
			return nil, &KeyError{ID: id, Reason: "key is not base64"}
		}
		keys = append(keys, Key{ID: id, Secret: secret})
	}
	return NewKeyRing(keys[0], keys[1:]...)
}

// decodeKey accepts standard and URL-safe base64, padded or not.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}
