package sso_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssokit/ssokit/sso"
)

func TestSeedContiamoConfigLoads(t *testing.T) {
	store, err := sso.LoadFile(filepath.Join("testdata", "contiamo.json"), sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Slugs(); !slices.Equal(got, []string{"<your-org-slug>"}) {
		t.Fatalf("slugs = %q", got)
	}
	ten, err := store.Tenant(t.Context(), "<your-org-slug>")
	if err != nil {
		t.Fatal(err)
	}
	if len(ten.Connections) != 2 {
		t.Fatalf("connections = %d", len(ten.Connections))
	}
	az, g := ten.Connections[0], ten.Connections[1]
	if az.ID != "azure" || g.ID != "google" {
		t.Errorf("ids = %q, %q; want the kinds, as Contiamo's callback paths", az.ID, g.ID)
	}
	if az.Parameters.ClaimMapping["email"] != "preferred_username" || g.EmailPattern != "^.*@contiamo.com$" {
		t.Errorf("azure claimMapping %v, google emailPattern %q", az.Parameters.ClaimMapping, g.EmailPattern)
	}
	if az.Provisioning != sso.ExistingOnly || az.Mode != sso.ModeOptional {
		t.Errorf("defaults: provisioning %q mode %q, want existing-only and optional", az.Provisioning, az.Mode)
	}
}

func TestEmptyPathDisablesSSO(t *testing.T) {
	store, err := sso.LoadFile("", sso.Secrets{})
	if store != nil || err != nil {
		t.Fatalf("LoadFile(\"\") = %v, %v; want nil, nil", store, err)
	}
}

func TestMissingFileIsAnError(t *testing.T) {
	_, err := sso.LoadFile(filepath.Join(t.TempDir(), "nope.json"), sso.Secrets{})
	if !errors.Is(err, sso.ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
}

func TestBrokenConfigListsEveryProblem(t *testing.T) {
	_, err := sso.LoadFile(filepath.Join("testdata", "broken.json"), sso.Secrets{LookupEnv: func(string) (string, bool) { return "", false }})
	var ce *sso.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ConfigError", err)
	}
	want := []string{
		`$["acme"][0].parameters.clientId: is required`,
		`$["acme"][0].parameters.discoveryEndpoint: must be an absolute http(s) URL`,
		`$["acme"][0].parameters.clientSecret: environment variable "SSOKIT_TEST_MISSING" is not set`,
		`$["acme"][0].parameters.scopes: must include "openid"`,
		`$["acme"][0].parameters.claimMapping: `, // bad emailPattern
		`$["acme"][1].kind: unknown kind "ldap"`,
		`$["acme"][1].mode: unknown mode "sometimes"`,
		`$["acme"][2].provisioning: unknown provisioning "always"`,
		`$["acme"][2].groupSync: unknown group sync mode "mirror"`,
		`$["acme"][2].parameters.claimMapping: unknown key "mail"`,
		`$["acme"][2].testExpressions[1]: `,
		`$["acme"][3].id: connection id "oidc" is already used by connection 2`,
		`$["acme"][4].parameters.ssoUrl: is required`,
		`$["acme"][4].parameters.certificate: is required without metadata`,
		`$["acme"][5]: `, // unknown field
		`$["acme"][6].parameters.sharedSecret: must be at least 32 bytes`,
		`$["acme"][7].parameters.metadataXml: `,
		`$["acme"][8].parameters.privateKey: `,
		`$["bad/slug"]: tenant slug must not contain '/'`,
		`$["w2w"].connections[0]: singleIAM allows one enabled IAM connection, found 2`,
	}
	var got []string
	for _, p := range ce.Problems {
		got = append(got, p.String())
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("missing problem %q", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(got, "\n"))
	}
	if strings.Contains(err.Error(), "\"s\"") {
		t.Errorf("error quotes a secret: %v", err)
	}
}

func TestSecretReferences(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(keyFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := sso.Secrets{LookupEnv: func(n string) (string, bool) { return map[string]string{"SECRET": "from-env"}[n], n == "SECRET" }}
	for _, tc := range []struct{ name, in, want, err string }{
		{"literal is itself", "plain", "plain", ""},
		{"env reference", "env:SECRET", "from-env", ""},
		{"missing env is an error", "env:NOPE", "", `"NOPE" is not set`},
		{"file reference drops the newline", "file:" + keyFile, "from-file", ""},
		{"missing file is an error", "file:" + filepath.Join(dir, "nope"), "", "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Resolve(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Resolve = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestObjectTenantFormAndUnknownFields(t *testing.T) {
	doc := `{"acme": {"allowBreakGlass": true, "connections": [{"kind": "jwt", "mode": "required", "parameters": {"sharedSecret": "0123456789abcdef0123456789abcdef"}}]}}`
	ts, err := sso.ParseConfig([]byte(doc), sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	if !ts[0].AllowBreakGlass || ts[0].Connections[0].Kind != sso.KindJWT {
		t.Fatalf("tenant = %+v", ts[0])
	}
	_, err = sso.ParseConfig([]byte(`{"acme": {"connections": [], "enforce": true}}`), sso.Secrets{})
	if !errors.Is(err, sso.ErrConfig) || !strings.Contains(err.Error(), `$["acme"]`) {
		t.Fatalf("unknown tenant field: err = %v", err)
	}
}

func TestSeedConfigGivesOneButtonPerProvider(t *testing.T) {
	store, err := sso.LoadFile(filepath.Join("testdata", "contiamo.json"), sso.Secrets{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := sso.New(sso.Config{BaseURL: "https://contiamo.example/auth", StateKey: make([]byte, 32), Store: store,
		Users: sso.NewMemoryUsers(), Sessions: sso.SessionFunc(func(http.ResponseWriter, *http.Request, *sso.Result) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/auth/"+url.PathEscape("<your-org-slug>")+"/providers", nil))
	var ps []sso.ProviderInfo
	if err := json.Unmarshal(rr.Body.Bytes(), &ps); err != nil {
		t.Fatalf("%d %s: %v", rr.Code, rr.Body, err)
	}
	if len(ps) != 2 || ps[0].Name != "Microsoft" || ps[1].Name != "Google" ||
		ps[1].LoginURL != "https://contiamo.example/auth/%3Cyour-org-slug%3E/login?connection=google" {
		t.Fatalf("providers = %+v", ps)
	}
}
