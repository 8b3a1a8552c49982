package oidc_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/oidc"
	"github.com/ssokit/ssokit/ssotest"
)

// TestHostileProvider follows the OpenID Connect RP conformance list: each
// answer below is wrong in one way and must be refused with its own error.
func TestHostileProvider(t *testing.T) {
	tests := []struct {
		name   string
		faults ssotest.OIDCFaults
		rpCfg  func(*oidc.Config)
		check  func(t *testing.T, err error)
	}{
		{"bad signature is rejected", ssotest.OIDCFaults{BadSignature: true}, nil, wantAs[*oidc.SignatureError]},
		{"alg none is rejected", ssotest.OIDCFaults{AlgNone: true}, nil, wantAlg("none")},
		{"alg none is rejected even when announced", ssotest.OIDCFaults{AlgNone: true, AdvertiseAlgs: []string{"RS256", "none"}}, nil, wantAlg("none")},
		{"HS256 signed with the RSA public key is rejected", ssotest.OIDCFaults{HS256WithPublicKey: true, AdvertiseAlgs: []string{"RS256", "HS256"}}, nil, wantAlg("HS256")},
		{"algorithm outside the configured list is rejected", ssotest.OIDCFaults{}, func(c *oidc.Config) { c.SigningAlgorithms = []string{"ES256"} }, wantAlg("RS256")},
		{"unknown kid is rejected after a key set refresh", ssotest.OIDCFaults{UnknownKey: true}, nil, wantUnknownKey},
		{"wrong issuer is rejected", ssotest.OIDCFaults{Issuer: "https://evil.example"}, nil, wantIssuer("https://evil.example")},
		{"wrong audience is rejected", ssotest.OIDCFaults{Audience: []string{"other-client"}}, nil, wantAs[*oidc.AudienceError]},
		{"several audiences without azp are rejected", ssotest.OIDCFaults{Audience: []string{testClientID, "other-client"}}, nil, wantAs[*oidc.AuthorizedPartyError]},
		{"azp naming another client is rejected", ssotest.OIDCFaults{Audience: []string{testClientID, "other-client"}, AuthorizedParty: "other-client"}, nil, wantAs[*oidc.AuthorizedPartyError]},
		{"missing nonce is rejected", ssotest.OIDCFaults{OmitNonce: true}, nil, wantAs[*oidc.NonceError]},
		{"invalid nonce is rejected", ssotest.OIDCFaults{Nonce: "attacker-nonce"}, nil, wantAs[*oidc.NonceError]},
		{"expired token is rejected", ssotest.OIDCFaults{Expired: true}, nil, wantAs[*oidc.ExpiredError]},
		{"iat far in the future is rejected", ssotest.OIDCFaults{IssuedIn: time.Hour}, nil, wantAs[*oidc.IssuedAtError]},
		{"nbf in the future is rejected", ssotest.OIDCFaults{NotBefore: time.Hour}, nil, wantAs[*oidc.NotBeforeError]},
		{"missing iat is rejected", ssotest.OIDCFaults{OmitIssuedAt: true}, nil, wantAs[*oidc.IssuedAtError]},
		{"wrong at_hash is rejected", ssotest.OIDCFaults{AtHash: "AAAAAAAAAAAAAAAAAAAAAA"}, nil, wantAs[*oidc.AccessTokenHashError]},
		{"userinfo with another sub is rejected", ssotest.OIDCFaults{UserInfoSubject: "mallory"}, func(c *oidc.Config) { c.FetchUserInfo = true }, wantSubject("mallory")},
		{"token from another tenant is rejected", ssotest.OIDCFaults{}, func(c *oidc.Config) { c.TenantID = "00000000-0000-0000-0000-000000000001" }, wantAs[*oidc.TenantError]},
		{"iss parameter of another provider is rejected (mix-up)", ssotest.OIDCFaults{IssParameter: "https://evil.example"}, nil, wantIssuer("https://evil.example")},
		{"ID token without sub is rejected", ssotest.OIDCFaults{OmitSubject: true}, nil, wantAs[*oidc.ClaimsError]},
		{"token response without id_token is rejected", ssotest.OIDCFaults{OmitIDToken: true}, nil, wantAs[*oidc.ClaimsError]},
		{"authorization error is reported", ssotest.OIDCFaults{AuthorizeError: "access_denied"}, nil, wantAuthz("access_denied")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, tt.rpCfg)
			e.op.SetFaults(tt.faults)
			_, err := e.fullLogin(t)
			if err == nil {
				t.Fatal("login succeeded, want an error")
			}
			tt.check(t, err)
		})
	}
}

// wantAs checks the error's type and that it wraps ErrIdentity.
func wantAs[T error](t *testing.T, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("err = %v (%T), want %T", err, err, target)
	}
	if !errors.Is(err, oidc.ErrIdentity) {
		t.Errorf("err = %v does not wrap ErrIdentity", err)
	}
}

func wantAlg(alg string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantAs[*oidc.AlgorithmError](t, err)
		var ae *oidc.AlgorithmError
		errors.As(err, &ae)
		if ae.Got != alg {
			t.Errorf("algorithm = %q, want %q", ae.Got, alg)
		}
	}
}

func wantIssuer(got string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantAs[*oidc.IssuerError](t, err)
		var ie *oidc.IssuerError
		errors.As(err, &ie)
		if ie.Got != got {
			t.Errorf("issuer = %q, want %q", ie.Got, got)
		}
	}
}

func wantSubject(got string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantAs[*oidc.SubjectError](t, err)
		var se *oidc.SubjectError
		errors.As(err, &se)
		if se.Got != got || se.Source != "userinfo" {
			t.Errorf("subject error = %+v", se)
		}
	}
}

func wantUnknownKey(t *testing.T, err error) {
	t.Helper()
	wantAs[*oidc.SignatureError](t, err)
	var se *oidc.SignatureError
	errors.As(err, &se)
	if se.KeyID != "rogue" {
		t.Errorf("kid = %q, want rogue", se.KeyID)
	}
}

func wantAuthz(code string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ae *oidc.AuthorizationError
		if !errors.As(err, &ae) || ae.Code != code || !errors.Is(err, oidc.ErrAuthorization) {
			t.Fatalf("err = %v, want authorization error %q", err, code)
		}
	}
}

func TestClockSkew(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		wantErr bool
	}{
		{"token expired within the skew is accepted", 5*time.Minute + time.Minute, false},
		{"token expired beyond the skew is rejected", 5*time.Minute + 3*time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *ssotest.OIDCProviderConfig) { c.IDTokenTTL = 5 * time.Minute }, nil)
			e.op.SetFaults(ssotest.OIDCFaults{})
			// Issue the token tt.advance in the past (the provider and the
			// relying party share the clock), then verify it now.
			cb := e.login(t, oidc.LoginRequest{})
			e.clock.Advance(-tt.advance)
			tokens, err := e.issueNow(t, cb)
			e.clock.Advance(tt.advance)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.rp.VerifyIDToken(context.Background(), tokens.raw, tokens.nonce)
			if tt.wantErr {
				wantAs[*oidc.ExpiredError](t, err)
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}

type rawToken struct{ raw, nonce string }

// issueNow completes the login and returns the raw ID token and its nonce,
// for a second verification at another time.
func (e *env) issueNow(t *testing.T, cb oidc.Callback) (rawToken, error) {
	t.Helper()
	tok, err := e.rp.Exchange(context.Background(), cb)
	if err != nil {
		return rawToken{}, err
	}
	return rawToken{raw: tok.IDToken.Raw, nonce: tok.IDToken.Claims["nonce"].(string)}, nil
}

func TestStateAttacks(t *testing.T) {
	ctx := context.Background()
	t.Run("tampered state is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		cb := e.login(t, oidc.LoginRequest{})
		cb.State = flipChar(cb.State, 30)
		cb.Cookie = cb.State
		wantState(t, e.rp.Exchange, cb, "tampered")
	})
	t.Run("truncated state is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		cb := e.login(t, oidc.LoginRequest{})
		cb.State = cb.State[:10]
		cb.Cookie = cb.State
		wantState(t, e.rp.Exchange, cb, "malformed")
	})
	t.Run("expired state is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		cb := e.login(t, oidc.LoginRequest{})
		e.clock.Advance(oidc.DefaultStateTTL + time.Second)
		wantState(t, e.rp.Exchange, cb, "expired")
	})
	t.Run("replayed state is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		cb := e.login(t, oidc.LoginRequest{})
		if _, err := e.rp.Exchange(ctx, cb); err != nil {
			t.Fatal(err)
		}
		wantState(t, e.rp.Exchange, cb, "replayed")
	})
	t.Run("state without the browser cookie is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		cb := e.login(t, oidc.LoginRequest{})
		cb.Cookie = ""
		wantState(t, e.rp.Exchange, cb, "not bound to this browser")
	})
	t.Run("state of another browser is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		victim := e.login(t, oidc.LoginRequest{})
		attacker := e.login(t, oidc.LoginRequest{})
		victim.Cookie = attacker.Cookie
		wantState(t, e.rp.Exchange, victim, "not bound to this browser")
	})
	t.Run("state sealed for another client of the same provider is rejected", func(t *testing.T) {
		e := newEnv(t, func(c *ssotest.OIDCProviderConfig) {
			c.Clients = append(c.Clients, ssotest.OIDCClient{ID: "client-2", Secret: testSecret, RedirectURIs: []string{testRedirect}})
		}, nil)
		cfg := e.cfg
		cfg.ClientID = "client-2" // same issuer, same state key
		other, err := oidc.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		l, err := other.Begin(ctx, oidc.LoginRequest{})
		if err != nil {
			t.Fatal(err)
		}
		cbURL, err := e.op.Authorize(ctx, l.URL)
		if err != nil {
			t.Fatal(err)
		}
		wantState(t, e.rp.Exchange, callbackFrom(t, cbURL, l.State), "tampered")
	})
	t.Run("PKCE verifier mismatch is rejected", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		a := e.login(t, oidc.LoginRequest{})
		b := e.login(t, oidc.LoginRequest{})
		b.Code = a.Code // code of login a, verifier of login b
		_, err := e.rp.Exchange(ctx, b)
		var ex *oidc.ExchangeError
		if !errors.As(err, &ex) || ex.Code != "invalid_grant" || !strings.Contains(ex.Description, "PKCE") {
			t.Fatalf("err = %v, want a PKCE invalid_grant", err)
		}
	})
	t.Run("state is checked before the provider's error", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		e.op.SetFaults(ssotest.OIDCFaults{AuthorizeError: "access_denied"})
		cb := e.login(t, oidc.LoginRequest{})
		cb.Cookie = "forged"
		wantState(t, e.rp.Exchange, cb, "not bound to this browser")
	})
}

func wantState(t *testing.T, exchange func(context.Context, oidc.Callback) (*oidc.Tokens, error), cb oidc.Callback, reason string) {
	t.Helper()
	_, err := exchange(context.Background(), cb)
	var se *oidc.StateError
	if !errors.As(err, &se) || !errors.Is(err, oidc.ErrInvalidState) {
		t.Fatalf("err = %v, want a state error", err)
	}
	if se.Reason != reason {
		t.Errorf("reason = %q, want %q", se.Reason, reason)
	}
}

// flipChar changes the character at i to another base64url character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
