package jwtsso_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssokit/ssokit/jwtsso"
)

// nodeSign runs testdata/interop/sign.js (jsonwebtoken, as a partner's
// login script would) with env and returns the token it prints.
func nodeSign(t *testing.T, env ...string) string {
	t.Helper()
	dir := filepath.Join("testdata", "interop")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "jsonwebtoken"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node or jsonwebtoken missing in CI (.ci/setup.d/30-jwtsso.sh installs it): %v", err)
		}
		t.Skipf("node or jsonwebtoken missing (run: cd %s && npm install): %v", dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sign.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node sign.js: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestInteropJsonwebtoken(t *testing.T) {
	iat := "IAT=" + strconv.FormatInt(t0.Unix(), 10)
	key := "SSO_KEY=" + string(secret)
	rk := rsaKey(t)
	der, _ := x509.MarshalPKCS8PrivateKey(rk)
	pemKey := "SSO_KEY=" + string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	rotation := func(c *jwtsso.Config) {
		c.Keys = []jwtsso.Key{{ID: "2025", Secret: []byte(strings.Repeat("o", 32))}, {ID: "2026", Secret: secret}}
	}
	rs256 := func(c *jwtsso.Config) {
		c.Algorithms, c.Keys = []string{"RS256"}, []jwtsso.Key{{PublicKey: &rk.PublicKey}}
	}
	cases := []struct {
		name   string
		change func(*jwtsso.Config)
		env    []string
	}{
		{"HS256 with lower-case claims", nil, []string{key, iat, "EMAIL=Someone@Example.com"}},
		{"HS256 with the document's Jti and Email", nil, []string{key, iat, "EMAIL=someone@example.com", "CLAIM_CASE=capitalised"}},
		{"HS256 with kid during a rotation", rotation, []string{key, iat, "EMAIL=someone@example.com", "KID=2026"}},
		{"HS256 with exp", nil, []string{key, iat, "EMAIL=someone@example.com", "EXPIRES_IN=30"}},
		{"RS256 with a PEM private key", rs256, []string{pemKey, iat, "EMAIL=someone@example.com", "ALG=RS256"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newVerifier(t, tc.change)
			tok := nodeSign(t, tc.env...)
			c := mustVerify(t, v, tok)
			if c.Email != "someone@example.com" || !c.IssuedAt.Equal(t0) || !strings.HasPrefix(c.JTI, strconv.FormatInt(t0.Unix(), 10)+"/") {
				t.Fatalf("claims = %+v", c)
			}
			_, err := v.Verify(context.Background(), tok)
			wantErr(t, err, jwtsso.ErrReplayed)
		})
	}
	t.Run("jsonwebtoken alg none token is rejected", func(t *testing.T) {
		v, _ := newVerifier(t, nil)
		_, err := v.Verify(context.Background(), nodeSign(t, "ALG=none", iat, "EMAIL=a@example.com"))
		wantErr(t, err, jwtsso.ErrAlgorithm)
	})
	t.Run("jsonwebtoken HS512 token is rejected unless allowed", func(t *testing.T) {
		tok := nodeSign(t, key, iat, "EMAIL=a@example.com", "ALG=HS512")
		v, _ := newVerifier(t, nil)
		_, err := v.Verify(context.Background(), tok)
		wantErr(t, err, jwtsso.ErrAlgorithm)
		v, _ = newVerifier(t, func(c *jwtsso.Config) {
			c.Algorithms, c.Keys = []string{"HS512"}, []jwtsso.Key{{Secret: secret, Algorithm: "HS512"}}
		})
		mustVerify(t, v, tok)
	})
	t.Run("jsonwebtoken token signed with another key is rejected", func(t *testing.T) {
		v, _ := newVerifier(t, nil)
		_, err := v.Verify(context.Background(), nodeSign(t, "SSO_KEY="+strings.Repeat("x", 32), iat, "EMAIL=a@example.com"))
		wantErr(t, err, jwtsso.ErrBadSignature)
	})
	t.Run("jsonwebtoken token issued ten minutes ago is stale", func(t *testing.T) {
		v, _ := newVerifier(t, nil)
		old := "IAT=" + strconv.FormatInt(t0.Add(-10*time.Minute).Unix(), 10)
		_, err := v.Verify(context.Background(), nodeSign(t, key, old, "EMAIL=a@example.com"))
		wantErr(t, err, jwtsso.ErrStale)
	})
}

// TestInteropShellScript runs the shell partner script from the package
// documentation (openssl, coreutils basenc) and verifies its token.
func TestInteropShellScript(t *testing.T) {
	for _, tool := range []string{"bash", "openssl", "basenc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("testdata", "interop", "sign.sh"))
	cmd.Env = append(os.Environ(), "SSO_KEY="+string(secret), "EMAIL=someone@example.com",
		"IAT="+strconv.FormatInt(t0.Unix(), 10))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sign.sh: %v", err)
	}
	v, _ := newVerifier(t, nil)
	if c := mustVerify(t, v, string(out)); c.Email != "someone@example.com" {
		t.Fatalf("Email = %q", c.Email)
	}
}
