package setup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
	"github.com/ssokit/ssokit/sso/setup"
)

func TestNewValidatesConfig(t *testing.T) {
	store, _ := sso.NewMemoryStore(sso.Secrets{})
	good := setup.Config{BaseURL: "https://app.example/setup", SSOBaseURL: "https://app.example/sso", Store: store, LinkKey: linkKey}
	cases := []struct {
		name   string
		change func(*setup.Config)
	}{
		{"missing store is rejected", func(c *setup.Config) { c.Store = nil }},
		{"short link key is rejected", func(c *setup.Config) { c.LinkKey = []byte(strings.Repeat("k", 31)) }},
		{"relative base URL is rejected", func(c *setup.Config) { c.BaseURL = "/setup" }},
		{"missing SSO base URL is rejected", func(c *setup.Config) { c.SSOBaseURL = "" }},
		{"non-HTTP base URL is rejected", func(c *setup.Config) { c.BaseURL = "ftp://app.example/setup" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			if _, err := setup.New(cfg); !errors.Is(err, setup.ErrConfig) {
				t.Fatalf("New = %v, want ErrConfig", err)
			}
		})
	}
	if _, err := setup.New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
}
