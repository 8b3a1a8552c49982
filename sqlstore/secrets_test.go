package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

// rawRow is one connection row as the database holds it.
type rawRow struct{ body, secrets, keyID string }

func readRaw(t *testing.T, db *sql.DB, tenant, id string) rawRow {
	t.Helper()
	var r rawRow
	q := "SELECT body, secrets, key_id FROM ssokit_connections WHERE tenant = '" + tenant + "' AND id = '" + id + "'"
	if err := db.QueryRow(q).Scan(&r.body, &r.secrets, &r.keyID); err != nil {
		t.Fatal(err)
	}
	return r
}

func secretConn() sso.Connection {
	c := oidcConn()
	c.Parameters.AuthMethod = "private_key_jwt"
	c.Parameters.PrivateKey = privateKey
	return c
}

func TestRawRowHoldsNoPlaintextSecret(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.Put(ctx, "acme", secretConn()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "acme", jwtConn()); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"okta", "partner"} {
			raw := readRaw(t, s.DB(), "acme", id)
			row := raw.body + raw.secrets + raw.keyID
			for _, secret := range []string{clientSecret, privateKey, strings.Split(privateKey, "\n")[1], sharedSecret} {
				if strings.Contains(row, secret) {
					t.Fatalf("row %s holds the secret %q in plaintext", id, secret)
				}
			}
			if !strings.HasPrefix(raw.secrets, "v1.k1.") || raw.keyID != "k1" {
				t.Fatalf("row %s: sealed %.12q key %q", id, raw.secrets, raw.keyID)
			}
		}
		// The non-secret parameters stay readable for operators.
		if raw := readRaw(t, s.DB(), "acme", "okta"); !strings.Contains(raw.body, "https://idp.example.com") {
			t.Fatalf("body lacks the discovery endpoint: %s", raw.body)
		}
		c, err := s.Connection(ctx, "acme", "okta")
		if err != nil || c.Parameters.PrivateKey != privateKey || c.Parameters.ClientSecret != clientSecret {
			t.Fatalf("secrets do not round-trip: %v", err)
		}
	})
}

func TestKeyRotationReencrypts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		k1, k2 := newKey(t, "k1"), newKey(t, "k2")
		old := b.open(t, newRing(t, k1))
		if _, err := old.Put(ctx, "acme", secretConn()); err != nil {
			t.Fatal(err)
		}
		if _, err := old.Put(ctx, "globex", jwtConn()); err != nil {
			t.Fatal(err)
		}
		before := readRaw(t, old.DB(), "acme", "okta")

		rotating := b.open(t, newRing(t, k2, k1))
		// Before Rotate, the old key still opens the row.
		if c, err := rotating.Connection(ctx, "acme", "okta"); err != nil || c.Parameters.ClientSecret != clientSecret {
			t.Fatalf("old key no longer opens: %v", err)
		}
		rep, err := rotating.Rotate(ctx)
		if err != nil || rep.Resealed != 2 || rep.Current != 0 {
			t.Fatalf("Rotate = %+v, %v; want 2 resealed", rep, err)
		}
		after := readRaw(t, rotating.DB(), "acme", "okta")
		if after.secrets == before.secrets || after.keyID != "k2" || !strings.HasPrefix(after.secrets, "v1.k2.") {
			t.Fatalf("not re-encrypted: key %q, same ciphertext %v", after.keyID, after.secrets == before.secrets)
		}
		if rep, err := rotating.Rotate(ctx); err != nil || rep.Resealed != 0 || rep.Current != 2 {
			t.Fatalf("second Rotate = %+v, %v; want nothing to do", rep, err)
		}
		c, _ := rotating.Connection(ctx, "acme", "okta")
		if v, _ := rotating.Connection(ctx, "acme", "okta"); v.Version != 1 {
			t.Fatalf("Rotate changed the version to %d", v.Version)
		}

		// k1 can now be removed from the ring.
		onlyNew := b.open(t, newRing(t, k2))
		got, err := onlyNew.Connection(ctx, "acme", "okta")
		if err != nil || got.Parameters.ClientSecret != clientSecret || got.Parameters.PrivateKey != c.Parameters.PrivateKey {
			t.Fatalf("values after rotation: %v", err)
		}
		if g, err := onlyNew.Connection(ctx, "globex", "partner"); err != nil || g.Parameters.SharedSecret != sharedSecret {
			t.Fatalf("globex after rotation: %v", err)
		}
		// Rotating with a ring that lacks the rows' key stops with an error.
		stranger := b.open(t, newRing(t, newKey(t, "k3")))
		if _, err := stranger.Rotate(ctx); !errors.Is(err, sqlstore.ErrUnknownKey) {
			t.Fatalf("Rotate without the rows' key = %v, want ErrUnknownKey", err)
		}
		// A ring without k2 cannot open the rotated rows.
		if _, err := old.Connection(ctx, "acme", "okta"); !errors.Is(err, sqlstore.ErrUnknownKey) {
			t.Fatalf("old-only ring = %v, want ErrUnknownKey", err)
		}
	})
}

func TestSealedSecretsAreBoundToTheirRow(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		s.Put(ctx, "acme", oidcConn())
		s.Put(ctx, "evil", oidcConn())
		stolen := readRaw(t, s.DB(), "acme", "okta").secrets
		// An attacker with write access to their own row copies another
		// tenant's sealed secrets into it.
		if _, err := s.DB().Exec("UPDATE ssokit_connections SET secrets = '" + stolen + "' WHERE tenant = 'evil'"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Connection(ctx, "evil", "okta"); !errors.Is(err, sqlstore.ErrDecrypt) {
			t.Fatalf("moved ciphertext = %v, want ErrDecrypt", err)
		}
		tampered := stolen[:len(stolen)-2] + "AA"
		if tampered == stolen {
			tampered = stolen[:len(stolen)-2] + "BB"
		}
		s.DB().Exec("UPDATE ssokit_connections SET secrets = '" + tampered + "' WHERE tenant = 'acme'")
		if _, err := s.Connection(ctx, "acme", "okta"); !errors.Is(err, sqlstore.ErrDecrypt) {
			t.Fatalf("tampered ciphertext = %v, want ErrDecrypt", err)
		}
	})
}

func TestNewKeyRingValidates(t *testing.T) {
	good := newKey(t, "k1")
	cases := []struct {
		name    string
		current sqlstore.Key
		older   []sqlstore.Key
	}{
		{"short secret is rejected", sqlstore.Key{ID: "k", Secret: make([]byte, 16)}, nil},
		{"empty id is rejected", sqlstore.Key{Secret: good.Secret}, nil},
		{"id with a dot is rejected", sqlstore.Key{ID: "k.1", Secret: good.Secret}, nil},
		{"duplicate id is rejected", good, []sqlstore.Key{newKey(t, "k1")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sqlstore.NewKeyRing(c.current, c.older...)
			var ke *sqlstore.KeyError
			if !errors.As(err, &ke) || !errors.Is(err, sqlstore.ErrConfig) {
				t.Fatalf("NewKeyRing = %v, want *KeyError", err)
			}
		})
	}
	if r, err := sqlstore.NewKeyRing(good, newKey(t, "k0")); err != nil || r.CurrentID() != "k1" {
		t.Fatalf("valid ring: %v", err)
	}
}

func TestParseKeyRing(t *testing.T) {
	k1 := strings.Repeat("A", 43)       // 32 zero bytes, unpadded
	k2 := "_" + strings.Repeat("w", 42) // URL-safe alphabet
	k3 := strings.Repeat("+", 43) + "=" // standard alphabet, padded
	r, err := sqlstore.ParseKeyRing("new:" + k2 + ", old:" + k1 + ",older:" + k3)
	if err != nil || r.CurrentID() != "new" {
		t.Fatalf("ParseKeyRing = %v", err)
	}
	secret := "c2VjcmV0LWtleS1tYXRlcmlhbA"
	for name, spec := range map[string]string{
		"empty spec is rejected":       "",
		"missing id is rejected":       secret,
		"short key is rejected":        "k:" + secret,
		"non-base64 key is rejected":   "k:" + strings.Repeat("!", 43),
		"duplicate id is rejected":     "k:" + k1 + ",k:" + k2,
		"trailing comma is rejected":   "k:" + k1 + ",",
		"mixed alphabets are rejected": "k:+" + strings.Repeat("A", 41) + "_",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlstore.ParseKeyRing(spec)
			var ke *sqlstore.KeyError
			if !errors.As(err, &ke) || !errors.Is(err, sqlstore.ErrConfig) {
				t.Fatalf("ParseKeyRing = %v, want *KeyError", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows key material: %v", err)
			}
		})
	}
}
