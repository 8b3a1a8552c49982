package jwtsso

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// SecretSize is the number of random bytes in a key made by GenerateKey.
const SecretSize = 32

// minRSABits is the smallest RSA modulus accepted for RS256.
const minRSABits = 2048

// Key is one verification key.
type Key struct {
	// ID is the kid a token names to select this key. A token that names
	// a kid is checked with the key of that ID only (an unknown kid is
	// rejected, even when keys without ID exist); a token without kid is
	// checked with every key of its algorithm in turn. Optional.
	ID string
	// Algorithm is the one JWS algorithm this key verifies. Empty means
	// HS256 for a Secret, RS256 for an RSA key and ES256 for a P-256 key.
	Algorithm string
	// Secret is the shared secret of an HS256/HS384/HS512 key: the bytes
	// of the "SSO key" string as the partner uses it. At least as long as
	// the hash output (32, 48 or 64 bytes), as RFC 7518 requires.
	Secret []byte
	// PublicKey is an *rsa.PublicKey (RS256) or a P-256 *ecdsa.PublicKey
	// (ES256).
	PublicKey crypto.PublicKey
}

// GenerateKey returns a new shared secret ("SSO key") for HS256: SecretSize
// random bytes from rand (nil means crypto/rand), hex-encoded. Show it to
// the partner's administrator once and store it like a password; the
// partner signs with the string as given, and Key.Secret is []byte(key).
func GenerateKey(rand io.Reader) (string, error) {
	if rand == nil {
		rand = cryptorand.Reader
	}
	b := make([]byte, SecretSize)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("jwtsso: generating key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// supported lists the algorithms this package verifies, in the order the
// issue names them.
var supported = []string{"HS256", "HS384", "HS512", "RS256", "ES256"}

// keyEntry is a validated key ready for jws verification.
type keyEntry struct {
	id       string
	alg      jwa.SignatureAlgorithm
	material any    // []byte, *rsa.PublicKey or *ecdsa.PublicKey
	ns       string // replay namespace: a fingerprint of the key (kids repeat across tenants)
}

func (p *problems) algorithms(algs []string) []string {
	p.check(len(algs) > 0, "Algorithms is empty")
	for _, a := range algs {
		p.check(slices.Contains(supported, a), fmt.Sprintf("algorithm %q not supported (supported: %v)", a, supported))
	}
	return slices.Clone(algs)
}

func (p *problems) keys(keys []Key, allowed []string) []keyEntry {
	p.check(len(keys) <= MaxKeys, fmt.Sprintf("more than %d keys", MaxKeys))
	var out []keyEntry
	for i, k := range keys {
		e, err := newKeyEntry(k, allowed)
		if err != nil {
			p.check(false, fmt.Sprintf("Keys[%d]: %v", i, err))
			continue
		}
		if k.ID != "" && slices.ContainsFunc(out, func(o keyEntry) bool { return o.id == k.ID }) {
			p.check(false, fmt.Sprintf("Keys[%d]: duplicate ID %q", i, k.ID))
			continue
		}
		out = append(out, e)
	}
	return out
}

func newKeyEntry(k Key, allowed []string) (keyEntry, error) {
	alg, material, err := keyMaterial(k)
	if err != nil {
		return keyEntry{}, err
	}
	if !slices.Contains(allowed, alg) {
		return keyEntry{}, fmt.Errorf("algorithm %s not in Algorithms", alg)
	}
	return keyEntry{id: k.ID, alg: jwa.SignatureAlgorithm(alg), material: material, ns: fingerprint(k)}, nil
}

func keyMaterial(k Key) (string, any, error) {
	switch {
	case k.Secret != nil && k.PublicKey != nil:
		return "", nil, fmt.Errorf("both Secret and PublicKey set")
	case k.Secret != nil:
		return secretMaterial(k)
	case k.PublicKey != nil:
		return publicMaterial(k.Algorithm, k.PublicKey)
	}
	return "", nil, fmt.Errorf("neither Secret nor PublicKey set")
}

func secretMaterial(k Key) (string, any, error) {
	alg := cmpOr(k.Algorithm, "HS256")
	min := map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]
	if min == 0 {
		return "", nil, fmt.Errorf("algorithm %q cannot use a Secret", alg)
	}
	if len(k.Secret) < min {
		return "", nil, fmt.Errorf("%s secret has %d bytes, need at least %d", alg, len(k.Secret), min)
	}
	return alg, slices.Clone(k.Secret), nil
}

func publicMaterial(alg string, pub crypto.PublicKey) (string, any, error) {
	switch pk := pub.(type) {
	case *rsa.PublicKey:
		alg = cmpOr(alg, "RS256")
		if alg != "RS256" {
			return "", nil, fmt.Errorf("algorithm %q cannot use an RSA key", alg)
		}
		if pk.N == nil || pk.N.BitLen() < minRSABits {
			return "", nil, fmt.Errorf("RSA key shorter than %d bits", minRSABits)
		}
		return alg, pk, nil
	case *ecdsa.PublicKey:
		alg = cmpOr(alg, "ES256")
		if alg != "ES256" || pk.Curve != elliptic.P256() {
			return "", nil, fmt.Errorf("algorithm %q cannot use this EC key (ES256 needs P-256)", alg)
		}
		return alg, pk, nil
	}
	return "", nil, fmt.Errorf("unsupported public key type %T", pub)
}

// fingerprint names a key in the replay cache without revealing it.
func fingerprint(k Key) string {
	h := sha256.New()
	if k.Secret != nil {
		h.Write([]byte("secret\x00"))
		h.Write(k.Secret)
	} else {
		der, _ := x509.MarshalPKIXPublicKey(k.PublicKey) // validated type
		h.Write([]byte("public\x00"))
		h.Write(der)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)[:12])
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
