package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssokit/ssokit/sqlstore"
)

func TestLoadKeyRing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	t.Run("a key is generated once and reused", func(t *testing.T) {
		if _, err := loadKeyRing("", db); err != nil {
			t.Fatal(err)
		}
		first, err := os.ReadFile(db + ".key")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loadKeyRing("", db); err != nil {
			t.Fatal(err)
		}
		second, _ := os.ReadFile(db + ".key")
		if !bytes.Equal(first, second) {
			t.Error("the second start replaced the key file: the stored secrets would no longer open")
		}
	})
	t.Run("a given key ring is used, not the file", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.db")
		spec := "k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, sqlstore.KeySize))
		if _, err := loadKeyRing(spec, other); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(other + ".key"); !os.IsNotExist(err) {
			t.Errorf("a key file was written although keys were given: %v", err)
		}
	})
	t.Run("a malformed key ring is refused", func(t *testing.T) {
		if _, err := loadKeyRing("k1:not base64!", db); err == nil {
			t.Error("a malformed key ring was accepted")
		}
	})
	t.Run("a damaged key file is refused", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(bad+".key", []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadKeyRing("", bad); err == nil {
			t.Error("a damaged key file was accepted")
		}
	})
}
