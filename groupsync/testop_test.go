package groupsync

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"golang.org/x/oauth2"
)

// testOP is an in-process OpenID provider token endpoint: it rotates
// refresh tokens on every use, answers invalid_grant for spent or revoked
// ones, 503 while down, and returns an RS256-signed ID token carrying the
// user's current groups.
type testOP struct {
	srv *httptest.Server
	key *rsa.PrivateKey
	now func() time.Time

	mu     sync.Mutex
	tokens map[string]string   // live refresh token -> user
	groups map[string][]string // user -> groups
	down   bool
	serial int
	calls  int
}

func newTestOP(t *testing.T, now func() time.Time) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := &testOP{key: key, now: now, tokens: map[string]string{}, groups: map[string][]string{}}
	op.srv = httptest.NewServer(http.HandlerFunc(op.token))
	t.Cleanup(op.srv.Close)
	return op
}

// issue returns a fresh refresh token for user, as a login would.
func (op *testOP) issue(user string, groups ...string) string {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.serial++
	rt := fmt.Sprintf("rt-%s-%d", user, op.serial)
	op.tokens[rt] = user
	op.groups[user] = groups
	return rt
}

func (op *testOP) setGroups(user string, groups ...string) {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.groups[user] = groups
}

func (op *testOP) setDown(down bool) {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.down = down
}

// revokeUser revokes every refresh token of user (as deleting the user in
// the IdP does).
func (op *testOP) revokeUser(user string) {
	op.mu.Lock()
	defer op.mu.Unlock()
	for rt, u := range op.tokens {
		if u == user {
			delete(op.tokens, rt)
		}
	}
}

func (op *testOP) live(rt string) bool {
	op.mu.Lock()
	defer op.mu.Unlock()
	_, ok := op.tokens[rt]
	return ok
}

func (op *testOP) token(w http.ResponseWriter, r *http.Request) {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.calls++
	if op.down {
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.PostFormValue("grant_type") != "refresh_token" || r.PostFormValue("client_id") != "app" || r.PostFormValue("client_secret") != "s3cret" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	user, ok := op.tokens[r.PostFormValue("refresh_token")]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}`)
		return
	}
	delete(op.tokens, r.PostFormValue("refresh_token"))
	op.serial++
	next := fmt.Sprintf("rt-%s-%d", user, op.serial)
	op.tokens[next] = user
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": "at", "token_type": "Bearer", "expires_in": 3600,
		"refresh_token": next, "id_token": op.idToken(user),
	})
}

func (op *testOP) idToken(user string) string {
	now := op.now()
	tok, _ := jwt.NewBuilder().Issuer(op.srv.URL).Subject(user).Audience([]string{"app"}).
		IssuedAt(now).Expiration(now.Add(time.Hour)).Claim("groups", op.groups[user]).Build()
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256, op.key))
	if err != nil {
		panic(err)
	}
	return string(signed)
}

// oauthRefresher is a Refresher on golang.org/x/oauth2 with client_secret_post
// and go-oidc ID token verification, shaped like the composition layer's.
type oauthRefresher struct {
	op     *testOP
	client *http.Client
}

func (o *oauthRefresher) Refresh(ctx context.Context, req RefreshRequest) (Refreshed, error) {
	cfg := oauth2.Config{ClientID: "app", ClientSecret: "s3cret",
		Endpoint: oauth2.Endpoint{TokenURL: o.op.srv.URL, AuthStyle: oauth2.AuthStyleInParams}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.client)
	tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: req.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
		return Refreshed{}, fmt.Errorf("%w: %w", ErrRefreshRevoked, err)
	}
	if err != nil {
		return Refreshed{}, err
	}
	raw, _ := tok.Extra("id_token").(string)
	v := oidc.NewVerifier(o.op.srv.URL, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&o.op.key.PublicKey}},
		&oidc.Config{ClientID: "app", Now: o.op.now})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return Refreshed{}, err
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Refreshed{}, err
	}
	return Refreshed{RefreshToken: tok.RefreshToken, Claims: Claims{IDToken: claims}}, nil
}

// groupsClaim is the MapFunc of the tests: IdP group names map to host
// groups "h-<name>" and permissions "p-<name>".
func groupsClaim(_ context.Context, _ string, c Claims) (Desired, error) {
	var d Desired
	list, _ := c.IDToken["groups"].([]any)
	for _, g := range list {
		s, ok := g.(string)
		if !ok {
			return Desired{}, errors.New("groups claim holds a non-string")
		}
		d.Groups = append(d.Groups, "h-"+s)
		d.Permissions = append(d.Permissions, "p-"+s)
	}
	return d, nil
}
