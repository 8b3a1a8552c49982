package sso

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/ssokit/ssokit/mapping"
)

// benchSetup compiles one OIDC connection with test expressions and
// returns the handler, its compiled state and a login identity whose user
// is already linked.
func benchSetup(b *testing.B) (*Handler, *compiled, Identity) {
	b.Helper()
	users := NewMemoryUsers(User{ID: "ann", Tenant: "acme", Email: "ann@acme.example"})
	store, err := NewMemoryStore(Secrets{}, Tenant{Slug: "acme", Domains: []TenantDomain{{
		Name: "acme.example", Verification: VerificationManual, Reason: "benchmark"}}, Connections: []Connection{{
		ID: "okta", Kind: KindOkta, EmailPattern: `^.*@acme\.example$`,
		TestExpressions: []string{"IDTOKEN.aud = 'app'", "among(IDTOKEN.space_role, 'Space Member|Admin')"},
		Parameters:      Parameters{ClientID: "app", ClientSecret: "s", DiscoveryEndpoint: "https://op.example"},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	cat, _ := mapping.NewCatalog(mapping.CatalogConfig{Spaces: []string{"Trial", "DevOps"},
		Roles: []string{"Space Member", "Space Developer"}, DefaultRole: "Space Member"})
	h, err := New(Config{BaseURL: "https://app.example/sso", StateKey: bytes.Repeat([]byte{1}, 32), Store: store, Users: users,
		Sessions: SessionFunc(func(http.ResponseWriter, *http.Request, *Result) error { return nil }),
		Catalog:  func(context.Context, string) (*mapping.Catalog, error) { return cat, nil }})
	if err != nil {
		b.Fatal(err)
	}
	c, _ := store.Connection(context.Background(), "acme", "okta")
	cc, err := h.compiledFor(context.Background(), "acme", *c)
	if err != nil {
		b.Fatal(err)
	}
	id := Identity{Tenant: "acme", Connection: "okta", Kind: KindOkta, Issuer: "https://op.example", Subject: "sub-ann",
		Claims: mapping.Claims{IDToken: map[string]any{"iss": "https://op.example", "sub": "sub-ann", "aud": "app",
			"email": "ann@acme.example", "name": "Ann", "space_name": "Trial,DevOps", "space_role": "Space Member",
			"groups": []any{"g1", "g2"}}}}
	if err := users.LinkUser(context.Background(), "acme", "ann", Link{Issuer: id.Issuer, Subject: id.Subject}); err != nil {
		b.Fatal(err)
	}
	return h, cc, id
}

// BenchmarkLoginPipeline is everything sso adds after the protocol
// verifier: connection lookup in the compile cache, test expressions,
// mapping, the domain trust check of the email, user lookup by (issuer,
// subject). The floors below are the mapping engine, the policy and the
// trust check alone.
func BenchmarkLoginPipeline(b *testing.B) {
	h, cc, id := benchSetup(b)
	ctx := context.Background()
	c, _ := h.cfg.Store.Connection(ctx, "acme", "okta")
	b.Run("sso", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := h.cfg.Store.Connection(ctx, "acme", "okta")
			if err != nil {
				b.Fatal(err)
			}
			cc, err := h.compiledFor(ctx, "acme", *c)
			if err != nil {
				b.Fatal(err)
			}
			if res, err := h.login(ctx, cc, id); err != nil || !res.EmailTrusted {
				b.Fatal(err)
			}
		}
	})
	cat, _ := h.cfg.Catalog(ctx, "acme")
	b.Run("floor_mapping_Map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cc.mapper.Map(id.Claims, cat); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor_policy_Evaluate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !cc.policy.Evaluate(id.documents()).Passed {
				b.Fatal("denied")
			}
		}
	})
	b.Run("floor_domains_VerifiedFor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, err := h.domains.VerifiedFor(ctx, "acme", "ann@acme.example"); !ok || err != nil {
				b.Fatal("not verified", err)
			}
		}
	})
	b.Run("compile_uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.compile(ctx, "acme", *c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
