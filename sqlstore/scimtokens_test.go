package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/scim"
	"github.com/ssokit/ssokit/sqlstore"
)

func TestSCIMTokensStoredAsHashes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		token, info, err := s.CreateSCIMToken(ctx, "acme", "Okta provisioning")
		if err != nil || len(token) != 43 || info.Tenant != "acme" || info.ID == "" {
			t.Fatalf("CreateSCIMToken = %q, %+v, %v", token, info, err)
		}
		var hash, label string
		if err := s.DB().QueryRow("SELECT hash, label FROM ssokit_scim_tokens").Scan(&hash, &label); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(hash+label, token) || label != "Okta provisioning" {
			t.Fatalf("token stored in plaintext or label lost: %q %q", hash, label)
		}
		t.Run("the token authenticates as its tenant", func(t *testing.T) {
			if tenant, err := s.Authenticate(ctx, token); err != nil || tenant != "acme" {
				t.Fatalf("Authenticate = %q, %v", tenant, err)
			}
		})
		t.Run("an unknown, empty or oversized token is unauthorized", func(t *testing.T) {
			for _, bad := range []string{"", token + "x", strings.ToUpper(token), strings.Repeat("a", 5000)} {
				if _, err := s.Authenticate(ctx, bad); !errors.Is(err, scim.ErrUnauthorized) {
					t.Fatalf("Authenticate(%.10q) = %v, want ErrUnauthorized", bad, err)
				}
			}
		})
		t.Run("another tenant cannot revoke it", func(t *testing.T) {
			if err := s.RevokeSCIMToken(ctx, "globex", info.ID); !errors.Is(err, scim.ErrNotFound) {
				t.Fatalf("RevokeSCIMToken(globex) = %v, want ErrNotFound", err)
			}
			if _, err := s.Authenticate(ctx, token); err != nil {
				t.Fatalf("token revoked by another tenant: %v", err)
			}
		})
		t.Run("rotation revokes the old token", func(t *testing.T) {
			other, _, _ := s.CreateSCIMToken(ctx, "globex", "")
			fresh, finfo, err := s.RotateSCIMToken(ctx, "acme", "rotated")
			if err != nil || fresh == token {
				t.Fatalf("RotateSCIMToken = %v", err)
			}
			if _, err := s.Authenticate(ctx, token); !errors.Is(err, scim.ErrUnauthorized) {
				t.Fatalf("old token after rotation = %v", err)
			}
			if tenant, _ := s.Authenticate(ctx, other); tenant != "globex" {
				t.Fatalf("rotation touched another tenant's token")
			}
			list, err := s.SCIMTokens(ctx, "acme")
			if err != nil || len(list) != 1 || list[0].ID != finfo.ID || list[0].Label != "rotated" {
				t.Fatalf("SCIMTokens = %+v, %v", list, err)
			}
			if err := s.RevokeSCIMToken(ctx, "acme", finfo.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Authenticate(ctx, fresh); !errors.Is(err, scim.ErrUnauthorized) {
				t.Fatalf("revoked token = %v", err)
			}
		})
	})
}
