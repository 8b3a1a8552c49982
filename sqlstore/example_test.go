package sqlstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssokit/ssokit/sqlstore"
	"github.com/ssokit/ssokit/sso"
)

// Example stores a connection in an embedded SQLite file, shows that a
// stale write is refused and that the secret is encrypted at rest.
func Example() {
	dir, err := os.MkdirTemp("", "sqlstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	key := sqlstore.Key{ID: "2026-11", Secret: make([]byte, sqlstore.KeySize)}
	rand.Read(key.Secret) // in production: from the host's secret manager
	keys, err := sqlstore.NewKeyRing(key)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, sqlstore.Config{
		Dialect: sqlstore.SQLite,
		DSN:     filepath.Join(dir, "ssokit.db"),
		Keys:    keys,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	conn := sso.Connection{ID: "okta", Kind: sso.KindOkta, Parameters: sso.Parameters{
		ClientID: "app", ClientSecret: "s3cret-value", DiscoveryEndpoint: "https://acme.okta.example"}}
	v, err := store.Put(ctx, "acme", conn) // Version 0: create
	fmt.Println("created version", v, err)

	// Two admins edit version 1; the second save is refused.
	read, _ := store.Connection(ctx, "acme", "okta")
	read.Mode = sso.ModeRequired
	v, err = store.Put(ctx, "acme", *read)
	fmt.Println("saved version", v, err)
	_, err = store.Put(ctx, "acme", *read)
	fmt.Println("stale save is a conflict:", errors.Is(err, sso.ErrConflict))

	var sealed string
	store.DB().QueryRow("SELECT secrets FROM ssokit_connections").Scan(&sealed)
	fmt.Println("sealed under key:", sealed[:10])

	token, _, _ := store.CreateSCIMToken(ctx, "acme", "Okta SCIM")
	tenant, _ := store.Authenticate(ctx, token)
	fmt.Println("SCIM token belongs to", tenant)
	// Output:
	// created version 1 <nil>
	// saved version 2 <nil>
	// stale save is a conflict: true
	// sealed under key: v1.2026-11
	// SCIM token belongs to acme
}

// ExampleStore_Rotate moves every sealed secret to a new key: deploy the
// ring with the new key first, Rotate, then drop the old key.
func ExampleStore_Rotate() {
	dir, err := os.MkdirTemp("", "sqlstore-rotate")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	dsn := filepath.Join(dir, "ssokit.db")
	open := func(spec string) *sqlstore.Store {
		keys, err := sqlstore.ParseKeyRing(spec)
		if err != nil {
			log.Fatal(err)
		}
		s, err := sqlstore.Open(ctx, sqlstore.Config{Dialect: sqlstore.SQLite, DSN: dsn, Keys: keys})
		if err != nil {
			log.Fatal(err)
		}
		return s
	}
	oldKey := "2026-05:" + strings.Repeat("A", 43) // in production: random, from a secret manager
	newKey := "2026-11:" + strings.Repeat("B", 43)

	before := open(oldKey)
	before.Put(ctx, "acme", sso.Connection{ID: "partner", Kind: sso.KindJWT, Parameters: sso.Parameters{
		SharedSecret: "a-shared-secret-of-at-least-32-bytes!"}})
	before.Close()

	during := open(newKey + "," + oldKey)
	rep, err := during.Rotate(ctx)
	fmt.Println("re-sealed:", rep.Resealed, err)
	during.Close()

	after := open(newKey)
	defer after.Close()
	c, err := after.Connection(ctx, "acme", "partner")
	fmt.Println("readable with the new key alone:", err == nil && c.Parameters.SharedSecret != "")
	// Output:
	// re-sealed: 1 <nil>
	// readable with the new key alone: true
}
