package oidc_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

func offline(c *oidc.Config) { c.OfflineAccess = true; c.FetchUserInfo = true }

func TestRefresh(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, offline)
	tok, err := e.fullLogin(t)
	if err != nil {
		t.Fatal(err)
	}
	u := alice()
	u.Claims["groups"] = []any{"g-staff"}
	e.op.SetUser(u)
	e.clock.Advance(30 * time.Minute)
	got, err := e.rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: tok.Subject})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(anyStrings(got.IDToken.Claims["groups"]), []string{"g-staff"}) {
		t.Errorf("groups after refresh = %v", got.IDToken.Claims["groups"])
	}
	if got.UserInfo["sub"] != "alice-sub" || got.AccessToken == tok.AccessToken || !got.Expiry.After(tok.Expiry) {
		t.Errorf("refresh result = %+v", got)
	}
	if got.RefreshToken != tok.RefreshToken || got.RefreshTokenRotated {
		t.Error("refresh token changed without rotation")
	}
	if n := e.op.RefreshCount(tok.RefreshToken); n != 1 {
		t.Errorf("refresh count = %d", n)
	}
}

func TestRefreshRotation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *ssotest.OIDCProviderConfig) { c.RotateRefreshTokens = true }, offline)
	tok, err := e.fullLogin(t)
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: tok.Subject})
	if err != nil {
		t.Fatal(err)
	}
	if !first.RefreshTokenRotated || first.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh token not rotated")
	}
	// Reusing the rotated token is refused, and revokes the grant.
	_, err = e.rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tok.RefreshToken})
	wantRevoked(t, err)
	_, err = e.rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: first.RefreshToken})
	wantRevoked(t, err)
	if n := e.op.RefreshCount(first.RefreshToken); n != 1 {
		t.Errorf("refresh count = %d, want 1", n)
	}
}

func TestRefreshFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		act   func(e *env, tok *oidc.Tokens) oidc.RefreshRequest
		check func(*testing.T, error)
	}{
		{"revoked refresh token is a distinct error", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			e.op.RevokeUser(tok.Subject)
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken}
		}, wantRevoked},
		{"expired refresh token is a distinct error", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			e.clock.Advance(25 * time.Hour)
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken}
		}, wantRevoked},
		{"unreachable provider is not a revocation", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			e.op.Close()
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken}
		}, wantRefreshFailed},
		{"refreshed ID token of another subject is rejected", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: "bob-sub"}
		}, wantAs[*oidc.SubjectError]},
		{"refreshed ID token with a bad signature is rejected", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			e.op.SetFaults(ssotest.OIDCFaults{BadSignature: true})
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken}
		}, wantAs[*oidc.SignatureError]},
		{"refresh userinfo of another subject is rejected", func(e *env, tok *oidc.Tokens) oidc.RefreshRequest {
			e.op.SetFaults(ssotest.OIDCFaults{UserInfoSubject: "mallory"})
			return oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: tok.Subject}
		}, wantSubject("mallory")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, offline)
			tok, err := e.fullLogin(t)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.Refresh(ctx, tt.act(e, tok))
			tt.check(t, err)
		})
	}
}

func wantRevoked(t *testing.T, err error) {
	t.Helper()
	var re *oidc.RefreshError
	if !errors.Is(err, oidc.ErrRefreshRevoked) || errors.Is(err, oidc.ErrRefresh) || !errors.As(err, &re) || re.Code != "invalid_grant" {
		t.Fatalf("err = %v, want ErrRefreshRevoked", err)
	}
}

func wantRefreshFailed(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, oidc.ErrRefresh) || errors.Is(err, oidc.ErrRefreshRevoked) {
		t.Fatalf("err = %v, want ErrRefresh", err)
	}
}
