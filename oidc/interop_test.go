package oidc_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/oidc"
)

// startNodeOP starts panva/oidc-provider (testdata/interop/op.mjs) and
// returns its issuer. It skips when node or the npm package is missing,
// except in CI, where .ci/setup.d/50-oidc.sh installed them.
func startNodeOP(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("interop peer unavailable in CI: %s", why)
		}
		t.Skipf("skipping interop test: %s (run: cd oidc/testdata/interop && npm install)", why)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node not found")
	}
	if _, err := os.Stat("testdata/interop/node_modules/oidc-provider"); err != nil {
		missing("npm package oidc-provider not installed")
	}
	cmd := exec.Command("node", "op.mjs")
	cmd.Dir = "testdata/interop"
	stdin, _ := cmd.StdinPipe() // the script exits when stdin closes
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	issuer, ok := strings.CutPrefix(strings.TrimSpace(line), "ISSUER ")
	if err != nil || !ok {
		t.Fatalf("oidc-provider did not start: %q %v", line, err)
	}
	return issuer
}

var formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"[\s\S]*?name="prompt" value="(\w+)"`)

// browse plays the browser through oidc-provider's development login and
// consent pages and returns the callback URL.
func browse(ctx context.Context, authURL, account, redirect string) (*url.URL, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	for range 10 {
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if loc, err := resp.Location(); err == nil {
			if strings.HasPrefix(loc.String(), redirect) {
				return loc, nil
			}
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
			continue
		}
		m := formAction.FindSubmatch(body)
		if m == nil {
			return nil, fmt.Errorf("no form on %s (%s): %.300s", req.URL, resp.Status, body)
		}
		form := url.Values{"prompt": {string(m[2])}, "login": {account}, "password": {"x"}}
		action, _ := req.URL.Parse(string(m[1]))
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return nil, errors.New("too many steps")
}

func TestInteropNodeOIDCProvider(t *testing.T) {
	issuer := startNodeOP(t)
	ctx := context.Background()
	const redirect = "https://app.example/oidc/callback"
	rp, err := oidc.New(oidc.Config{
		Issuer: issuer, ClientID: "ssokit", ClientSecret: "interop-secret-interop-secret-interop-secret",
		AuthMethod: oidc.ClientSecretPost, RedirectURL: redirect, OfflineAccess: true, FetchUserInfo: true,
		StateKey: make([]byte, 32),
	})
	if err != nil {
		t.Fatal(err)
	}
	login, err := rp.Begin(ctx, oidc.LoginRequest{ReturnTo: "/home", Prompt: "consent"})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := browse(ctx, login.URL, "alice-sub", redirect)
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	if q.Get("iss") != issuer {
		t.Errorf("iss parameter = %q", q.Get("iss"))
	}
	tok, err := rp.Exchange(ctx, oidc.Callback{State: q.Get("state"), Code: q.Get("code"), Issuer: q.Get("iss"), Cookie: login.State})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Subject != "alice-sub" || tok.IDToken.Claims["email"] != "alice@acme.example" || tok.UserInfo["name"] != "Alice Doe" {
		t.Errorf("tokens: sub %q, ID claims %v, userinfo %v", tok.Subject, tok.IDToken.Claims, tok.UserInfo)
	}
	if tok.RefreshToken == "" || tok.ReturnTo != "/home" {
		t.Fatalf("refresh token %q, return to %q", tok.RefreshToken, tok.ReturnTo)
	}
	// Replaying the callback is refused by the state check.
	if _, err := rp.Exchange(ctx, oidc.Callback{State: q.Get("state"), Code: q.Get("code"), Issuer: q.Get("iss"), Cookie: login.State}); !errors.Is(err, oidc.ErrInvalidState) {
		t.Errorf("replayed callback: %v", err)
	}
	refreshed, err := rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: tok.RefreshToken, Subject: tok.Subject})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if refreshed.AccessToken == "" || refreshed.Subject != "alice-sub" {
		t.Errorf("refreshed: %+v", refreshed)
	}
	revoke(t, issuer, refreshed.RefreshToken)
	_, err = rp.Refresh(ctx, oidc.RefreshRequest{RefreshToken: refreshed.RefreshToken, Subject: tok.Subject})
	if !errors.Is(err, oidc.ErrRefreshRevoked) {
		t.Errorf("refresh after revocation: %v, want ErrRefreshRevoked", err)
	}
}

// revoke revokes a refresh token at oidc-provider (RFC 7009).
func revoke(t *testing.T, issuer, token string) {
	t.Helper()
	form := url.Values{"token": {token}, "token_type_hint": {"refresh_token"},
		"client_id": {"ssokit"}, "client_secret": {"interop-secret-interop-secret-interop-secret"}}
	resp, err := http.PostForm(issuer+"/token/revocation", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revocation: %s", resp.Status)
	}
}
