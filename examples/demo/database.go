package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssokit/ssokit/sqlstore"
)

// keysEnv holds the demo's key ring ("id:base64key[,older...]", see
// sqlstore.ParseKeyRing) when the -keys flag is not given.
const keysEnv = "SSOKIT_DEMO_KEYS"

// defaultDBPath is demo.db in a per-user directory, e.g.
// ~/.cache/ssokit-demo/demo.db on Linux.
func defaultDBPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "ssokit-demo", "demo.db")
}

// inMemory reports whether the -db value names no file.
func inMemory(db string) bool {
	return db == "" || db == ":memory:" || strings.Contains(db, "mode=memory")
}

// loadKeyRing returns the ring that seals the connections' secrets in
// db: spec when given, else a key generated on the first start and kept
// beside the database file (db + ".key", mode 0600). That file is a
// demo convenience: a real host keeps its keys in its secret manager,
// never next to the data they protect.
func loadKeyRing(spec, db string) (*sqlstore.KeyRing, error) {
	if spec != "" {
		return sqlstore.ParseKeyRing(spec)
	}
	if inMemory(db) {
		return newKeyRing()
	}
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		return nil, err
	}
	keyFile := db + ".key"
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		secret := make([]byte, sqlstore.KeySize)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		b = []byte("demo1:" + base64.RawURLEncoding.EncodeToString(secret) + "\n")
		err = os.WriteFile(keyFile, b, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("demo key file: %w", err)
	}
	ring, err := sqlstore.ParseKeyRing(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("demo key file %s: %w", keyFile, err)
	}
	return ring, nil
}
